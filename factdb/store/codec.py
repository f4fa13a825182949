"""How domain values are kept in columns: quantities and names as JSON, normalized claims."""

from __future__ import annotations

import json
from collections.abc import Sequence

from factdb.models import NormalizedClaim, Quantity


def quantities_to_json(quantities: Sequence[Quantity]) -> str:
    """Quantities as a compact JSON list."""
    return json.dumps(
        [
            {k: v for k, v in {
                "value": q.value,
                "text": q.text,
                "unit": q.unit,
                "counted": q.counted,
                "approximate": q.approximate or None,
                "start": q.start,
                "end": q.end,
            }.items() if v is not None}
            for q in quantities
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def quantities_from_json(raw: str | None) -> tuple[Quantity, ...]:
    """The quantities stored by :func:`quantities_to_json`."""
    if not raw or raw == "[]":  # most claims: skip the JSON parser (retrieval decodes ~300 rows a query)
        return ()
    return tuple(
        Quantity(
            value=float(item["value"]),
            text=item.get("text", ""),
            unit=item.get("unit"),
            counted=item.get("counted"),
            approximate=bool(item.get("approximate", False)),
            start=int(item.get("start", 0)),
            end=int(item.get("end", 0)),
        )
        for item in json.loads(raw or "[]")
    )


def names_to_json(names: Sequence[str]) -> str:
    """A list of names as JSON."""
    return json.dumps(list(names), ensure_ascii=False, separators=(",", ":"))


def names_from_json(raw: str | None) -> tuple[str, ...]:
    """The names stored by :func:`names_to_json`."""
    if not raw or raw == "[]":
        return ()
    return tuple(json.loads(raw))


def normalized_from_row(normalized: str, tokens: str, numbers: str, entities: str, antonym_text: str | None) -> NormalizedClaim:
    """A :class:`NormalizedClaim` rebuilt from a claims row."""
    return NormalizedClaim(
        text=normalized,
        tokens=tuple(tokens.split()),
        numbers=quantities_from_json(numbers),
        entities=names_from_json(entities),
        antonym_text=antonym_text,
    )
