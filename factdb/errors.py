"""Errors a user can cause, as types: the CLI turns each into one line on stderr and exit code 1."""

from __future__ import annotations


class FactdbError(Exception):
    """Base class of every error factdb reports to its user as one line."""


class InvalidSource(FactdbError):
    """A source could not be read: empty, binary, undecodable, malformed or too large."""


class MissingExtra(FactdbError):
    """An optional dependency is needed for this input (HTML, feeds)."""

    def __init__(self, feature: str, extra: str, package: str) -> None:
        super().__init__(
            f"{feature} needs the optional package {package!r}: pip install 'factdb[{extra}]'"
        )


class StoreUnavailable(FactdbError):
    """The database URL is invalid or the server does not answer."""


class StoreReadOnly(FactdbError):
    """A command that writes, on a store opened read-only (asked for, or its file is not writable)."""


class StoreOutOfDate(FactdbError):
    """The store's schema is behind (or ahead of) this version of factdb."""


class NoSuchClaim(FactdbError):
    """A claim id that is not in the store."""

    def __init__(self, claim_id: object) -> None:
        super().__init__(f"no claim with id {claim_id}")
        self.claim_id = claim_id


class InvalidArgument(FactdbError):
    """An argument that is well-formed for the shell but means nothing to factdb (a bad date...)."""


class SourceTooLarge(InvalidSource):
    """A source is larger than the size limit (``max_bytes``; the CLI's ``--max-bytes``)."""

    def __init__(self, origin: str, limit: int, size: int | None = None) -> None:
        found = f" ({_human_bytes(size)})" if size is not None else ""
        super().__init__(
            f"{origin}: larger than the {_human_bytes(limit)} limit{found}; raise it with --max-bytes"
        )
        self.origin = origin
        self.limit = limit
        self.size = size


def _human_bytes(count: int) -> str:
    """``20971520`` -> ``"20 MiB"``; ``1500`` -> ``"1500 bytes"``."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= factor:
            value = count / factor
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{count} bytes"
