"""How domain values are kept in columns: quantities and names as JSON, normalized claims."""

from __future__ import annotations

import json
import sys
from array import array
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
    """A :class:`NormalizedClaim` rebuilt from a claims row (quantities and names decoded on first use)."""
    claim = object.__new__(_StoredNormalizedClaim)
    _set = object.__setattr__
    _set(claim, "text", normalized)
    _set(claim, "tokens", tuple(tokens.split()))
    _set(claim, "antonym_text", antonym_text)
    if not numbers or numbers == "[]":
        _NUMBERS.__set__(claim, ())
    else:
        _set(claim, "_numbers_json", numbers)
    if not entities or entities == "[]":
        _ENTITIES.__set__(claim, ())
    else:
        _set(claim, "_entities_json", entities)
    return claim


# The slots of NormalizedClaim that the lazy properties below fill on first use.
_NUMBERS = NormalizedClaim.__dict__["numbers"]
_ENTITIES = NormalizedClaim.__dict__["entities"]
_FIELDS = ("text", "tokens", "numbers", "entities", "antonym_text")


def _decoded_on_first_use(slot, json_attribute: str, decode) -> property:
    """A property reading ``slot``, filled from the JSON in ``json_attribute`` on first use (the
    setter is the dataclass ``__init__``'s, for ``dataclasses.replace``)."""

    def get(claim):
        try:
            return slot.__get__(claim, NormalizedClaim)
        except AttributeError:
            value = decode(getattr(claim, json_attribute))
            slot.__set__(claim, value)
            return value

    return property(get, slot.__set__)


class _StoredNormalizedClaim(NormalizedClaim):
    """A :class:`NormalizedClaim` read from the store whose quantities and names are decoded from
    their JSON on first use.

    Retrieval reads ~150 claims a query but compares numbers and names (``relate``) for the ~10
    it returns: the others never pay for the JSON.  Equal to (and hashed as) a plain
    NormalizedClaim with the same fields.
    """

    __slots__ = ("_numbers_json", "_entities_json")

    numbers = _decoded_on_first_use(_NUMBERS, "_numbers_json", quantities_from_json)
    entities = _decoded_on_first_use(_ENTITIES, "_entities_json", names_from_json)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NormalizedClaim):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in _FIELDS)

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, f) for f in _FIELDS))

    def __reduce__(self):
        return NormalizedClaim, tuple(getattr(self, f) for f in _FIELDS)

    def __repr__(self) -> str:
        return repr(NormalizedClaim(*(getattr(self, f) for f in _FIELDS)))


def pack_ids(ids: Sequence[int]) -> bytes:
    """Sorted claim ids as a posting block: little-endian uint32s (4 bytes an id).

    >>> unpack_ids(pack_ids([3, 17, 40])).tolist()
    [3, 17, 40]
    """
    packed = array("I", ids)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def unpack_ids(raw: bytes) -> array:
    """The ids of a posting block written by :func:`pack_ids` (an ``array('I')``, decoded in C)."""
    ids = array("I")
    ids.frombytes(raw)
    if sys.byteorder == "big":
        ids.byteswap()
    return ids
