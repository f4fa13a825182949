"""Source readers: what a user hands ``factdb add PATH... | -`` turned into :class:`RawSource` values.

A path may be a file, a folder (read recursively), a glob pattern or ``-`` for standard input.
Each file is read as one of four kinds, chosen by its extension or, failing that, by its content
(:func:`detect_kind`), or forced by the caller (the CLI's ``--format``):

* ``text``  -- plain text or Markdown; its ``key: value`` header stays in the text for
  :func:`factdb.extract.parse_document` to read.
* ``html``  -- a web page; the article text and its metadata are found by trafilatura
  (the ``html`` extra).  Nothing is ever fetched from the network.
* ``feed``  -- an RSS or Atom feed; one source per entry (the ``feeds`` extra).
* ``jsonl`` -- one JSON object per line, ``{"text": ..., "url": ..., ...}``.

Policies
--------
Encodings
    UTF-8 (a byte-order mark is dropped); UTF-16 and UTF-32 when they start with a byte-order
    mark.  Bytes that are not valid UTF-8 are read as cp1252 (Latin-1 for the five bytes cp1252
    leaves undefined), byte by byte, so a Latin-1 file and a UTF-8 file with a stray Latin-1
    byte both read as intended.  Newlines become ``\\n``.  Nothing else is changed: no Unicode
    normalisation, so right-to-left text, emoji and combining characters pass through as written.
Refused
    Empty or whitespace-only input; binary input: known magic numbers (PDF, ZIP, PNG, JPEG, GIF,
    gzip...), NUL bytes (NUL bytes are refused, never stripped: a file with NULs is not the text
    its author meant), or more than 1% control characters.
Size
    A source larger than ``max_bytes`` (:data:`MAX_SOURCE_BYTES`, 20 MiB, by default) is refused
    with :class:`~factdb.errors.SourceTooLarge`; at most ``max_bytes + 1`` bytes are ever read from
    a file or from standard input, and a regular file's size is checked before reading it.
Failures
    :func:`iter_sources` never stops at a bad source: each path or source that cannot be read is
    reported as one line through ``on_error`` and the iteration goes on with the next.  The caller
    counts those lines as failed sources (the CLI exits with status 1 when any failed).  Bad
    JSONL lines are reported the same way, one line each, while the good lines are still read.
"""

from __future__ import annotations

import calendar
import codecs
import glob
import io
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any, BinaryIO

from factdb.errors import FactdbError, InvalidArgument, InvalidSource, MissingExtra, SourceTooLarge
from factdb.models import SourceMeta

__all__ = [
    "KINDS",
    "MAX_SOURCE_BYTES",
    "NO_OVERRIDE",
    "RawSource",
    "decode_text",
    "detect_kind",
    "html_to_text",
    "iter_sources",
    "parse_published",
    "read_feed",
    "read_html",
    "read_jsonl",
    "read_limited",
]

MAX_SOURCE_BYTES = 20 * 1024 * 1024
"""The default size limit of one source, in bytes (the CLI's ``--max-bytes``)."""

KINDS = ("text", "html", "feed", "jsonl")
"""The kinds a file can be read as (the CLI's ``--format``)."""

NO_OVERRIDE = SourceMeta()
"""The default ``meta_override``: nothing overridden."""

STDIN_ORIGIN = "<stdin>"

EXTENSION_KINDS = {
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}

# A folder walk passes over files with these extensions without a word: they are never news text.
SKIPPED_EXTENSIONS = frozenset(  # a word list reads better than 60 quoted strings
    """
    .pdf .png .jpg .jpeg .gif .webp .bmp .ico .tif .tiff .heic .svg .psd
    .zip .gz .tgz .bz2 .xz .zst .7z .rar .tar .jar .whl .egg .iso .dmg
    .doc .docx .xls .xlsx .ppt .pptx .odt .ods .odp .epub .rtf
    .mp3 .mp4 .m4a .m4v .wav .flac .ogg .oga .avi .mov .mkv .webm
    .exe .dll .so .dylib .o .a .bin .class .pyc .pyo
    .db .sqlite .sqlite3 .parquet .feather .npy .npz .pkl .pickle
    .woff .woff2 .ttf .otf .eot
    """.split()  # noqa: SIM905
)

_MAGIC_NUMBERS: tuple[tuple[str, tuple[bytes, ...]], ...] = (
    ("PDF", (b"%PDF-",)),
    ("ZIP, e.g. a Word or EPUB file", (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")),
    ("PNG", (b"\x89PNG\r\n\x1a\n",)),
    ("JPEG", (b"\xff\xd8\xff",)),
    ("GIF", (b"GIF87a", b"GIF89a")),
    ("gzip", (b"\x1f\x8b",)),
    ("xz", (b"\xfd7zXZ\x00",)),
    ("7-Zip", (b"7z\xbc\xaf\x27\x1c",)),
    ("RAR", (b"Rar!\x1a\x07",)),
    ("Zstandard", (b"\x28\xb5\x2f\xfd",)),
    ("TIFF", (b"II*\x00", b"MM\x00*")),
    ("an old Office document", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ("an SQLite database", (b"SQLite format 3\x00",)),
    ("an executable", (b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe")),
)

_BOMS: tuple[tuple[bytes, str], ...] = (  # UTF-32 first: its little-endian mark starts like UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# C0 controls except TAB, LF, VT, FF, CR; and DEL.  None of these bytes occurs inside a UTF-8
# multi-byte sequence, so counting them in the raw bytes counts them in the text.
_CONTROL_BYTES = bytes([*range(0x09), *range(0x0E, 0x20), 0x7F])
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.01
_ASCII_WHITESPACE = b" \t\n\r\x0b\x0c"

_FALLBACK_ERRORS = "factdb.cp1252-fallback"


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: read one byte that is not valid UTF-8 as cp1252 (else Latin-1)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    byte = error.object[error.start : error.start + 1]
    try:
        char = byte.decode("cp1252")
    except UnicodeDecodeError:
        char = byte.decode("latin-1")
    return char, error.start + 1


codecs.register_error(_FALLBACK_ERRORS, _cp1252_fallback)


@dataclass(frozen=True, slots=True)
class RawSource:
    """One source as read, before header parsing and extraction.

    ``kind`` is ``"text"``, ``"html"``, ``"feed-entry"`` or ``"jsonl"``.  For ``"text"`` the
    ``key: value`` header (if any) is still at the start of ``text`` and ``meta`` holds only the
    caller's overrides; for the other kinds ``text`` is the body alone and ``meta`` is the
    metadata found in the source with the overrides applied.  ``origin`` names the source in
    messages: the path, ``<stdin>``, ``path#3`` for a feed's third entry, ``path:12`` for a
    JSONL file's line 12.
    """

    text: str
    meta: SourceMeta
    origin: str
    kind: str


# --------------------------------------------------------------------------------------------
# Bytes to text


def _binary_kind(data: bytes) -> str | None:
    """What binary format ``data`` starts like, or None."""
    for name, magics in _MAGIC_NUMBERS:
        if data.startswith(magics):
            return name
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return data[8:12].decode().strip()
    return None


def _bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _looks_like_bomless_utf16(data: bytes) -> bool:
    sample = data[:4096]
    if len(sample) < 4:
        return False
    pairs = len(sample) // 2
    odd_nuls = sample[1 : 2 * pairs : 2].count(0)
    even_nuls = sample[0 : 2 * pairs : 2].count(0)
    return max(odd_nuls, even_nuls) >= 0.7 * pairs


def _refuse_binary(data: bytes, *, origin: str) -> None:
    """Raise InvalidSource when ``data`` is empty or binary (see the module's policies)."""
    if not data.strip(_ASCII_WHITESPACE):
        raise InvalidSource(f"{origin}: empty")
    kind = _binary_kind(data)
    if kind:
        raise InvalidSource(f"{origin}: binary file (looks like {kind}), not text")
    if _bom_encoding(data) in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        return  # NUL bytes are expected; the decoded text is checked instead
    if b"\x00" in data:
        if _looks_like_bomless_utf16(data):
            raise InvalidSource(f"{origin}: looks like UTF-16 without a byte-order mark; save it as UTF-8")
        raise InvalidSource(f"{origin}: binary file (contains NUL bytes), not text")
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > _MAX_CONTROL_SHARE * len(data):
        raise InvalidSource(f"{origin}: binary file (control characters), not text")


def decode_text(data: bytes, *, origin: str) -> str:
    """The text in ``data``, or :class:`InvalidSource` when it is empty, binary or undecodable.

    UTF-8 (a byte-order mark is dropped), UTF-16/UTF-32 with a byte-order mark; bytes that are
    not valid UTF-8 are read as cp1252/Latin-1.  Newlines are normalised to ``\\n``; nothing
    else is changed.  Refused with a one-line message naming ``origin``: empty or
    whitespace-only input, known binary formats, NUL bytes (refused, not stripped), more than 1%
    control characters.

    >>> decode_text(b"caf\\xe9\\r\\n", origin="a.txt")
    'café\\n'
    """
    _refuse_binary(data, origin=origin)
    encoding = _bom_encoding(data)
    if encoding in (None, "utf-8"):
        body = data[len(codecs.BOM_UTF8) :] if encoding else data
        text = body.decode("utf-8", errors=_FALLBACK_ERRORS)
    else:
        bom_length = 4 if encoding.startswith("utf-32") else 2
        try:
            text = data[bom_length:].decode(encoding)
        except UnicodeDecodeError:
            raise InvalidSource(
                f"{origin}: not valid {encoding[:6].upper()} despite its byte-order mark"
            ) from None
        if "\x00" in text:
            raise InvalidSource(f"{origin}: binary file (contains NUL characters), not text")
        if len(_CONTROL_CHARS.findall(text)) > _MAX_CONTROL_SHARE * len(text):
            raise InvalidSource(f"{origin}: binary file (control characters), not text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InvalidSource(f"{origin}: empty")
    return text


def read_limited(stream: BinaryIO, *, origin: str, max_bytes: int = MAX_SOURCE_BYTES) -> bytes:
    """All bytes of ``stream``, reading at most ``max_bytes + 1``; SourceTooLarge beyond the limit."""
    if max_bytes < 1:
        raise InvalidArgument(f"the size limit must be a positive number of bytes, not {max_bytes}")
    data = stream.read(max_bytes + 1)
    if isinstance(data, str):  # a text stream was passed by mistake
        raise InvalidArgument(f"{origin}: expected a binary stream")
    if len(data) > max_bytes:
        raise SourceTooLarge(origin, max_bytes)
    return data


def _read_file(path: str, *, origin: str, max_bytes: int) -> bytes:
    with open(path, "rb") as file:
        status = os.fstat(file.fileno())
        if stat.S_ISREG(status.st_mode) and status.st_size > max_bytes:
            raise SourceTooLarge(origin, max_bytes, status.st_size)
        return read_limited(file, origin=origin, max_bytes=max_bytes)


# --------------------------------------------------------------------------------------------
# Dates


def parse_published(value: str) -> datetime:
    """A publication date as a timezone-aware UTC datetime.

    Accepts ISO 8601 dates and datetimes (``2024-03-05``, ``2024-03-05T14:30``,
    ``2024-03-05T14:30:00+01:00``, ``...Z``) and RFC 2822 dates as feeds write them
    (``Tue, 05 Mar 2024 14:30:00 GMT``).  A date alone means midnight UTC; a time without a zone
    is taken as UTC.  Anything else raises :class:`InvalidArgument`.

    >>> parse_published("2024-03-05T14:30:00+01:00").isoformat()
    '2024-03-05T13:30:00+00:00'
    """
    text = value.strip() if isinstance(value, str) else ""
    parsed: datetime | None = None
    if text:
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            try:
                parsed = parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError, OverflowError):
                parsed = None
    if parsed is None:
        raise InvalidArgument(
            f"invalid date {_shown(value)}: expected ISO 8601 (2024-03-05, 2024-03-05T14:30:00+01:00) "
            "or RFC 2822 (Tue, 05 Mar 2024 14:30:00 GMT)"
        )
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise InvalidArgument(f"invalid date {_shown(value)}: out of range") from None


def _shown(value: object, limit: int = 60) -> str:
    """``value`` quoted for a one-line message, cut short when long."""
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 4] + "...'"


def _parse_date_quietly(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_published(value)
    except InvalidArgument:
        return None


# --------------------------------------------------------------------------------------------
# Kinds


def detect_kind(path_or_name: str, data: bytes) -> str:
    """The kind to read a file as: ``"text"``, ``"html"``, ``"feed"`` or ``"jsonl"``.

    By extension first (.txt .md .markdown .text; .html .htm .xhtml; .xml .rss .atom;
    .jsonl .ndjson); otherwise by content: an HTML doctype or ``<html`` -> html; ``<rss``,
    ``<feed`` or an RDF root -> feed; every non-blank line starting with ``{`` -> jsonl; else text.
    """
    extension = os.path.splitext(path_or_name)[1].lower()
    if extension in EXTENSION_KINDS:
        return EXTENSION_KINDS[extension]
    head = _sniff_head(data)
    if head.startswith(("<!doctype html", "<html")):
        return "html"
    if head.startswith(("<rss", "<feed", "<rdf:rdf")):
        return "feed"
    if head.startswith(("<?xml", "<!--", "<!doctype")):
        root = re.search(r"<(?![?!])([a-z][\w:.-]*)", head)
        if root and root.group(1) in ("rss", "feed", "rdf:rdf"):
            return "feed"
        if root and root.group(1) == "html":
            return "html"
    if head.startswith("{") and _every_line_is_an_object(data):
        return "jsonl"
    return "text"


def _sniff_head(data: bytes) -> str:
    """The first 4 KiB of ``data`` as lower-case text without a byte-order mark or leading space."""
    head = data[:4096]
    encoding = _bom_encoding(head) or "utf-8"
    try:
        text = codecs.decode(head, encoding, errors="ignore")
    except LookupError:  # pragma: no cover - every encoding above exists
        text = ""
    return text.lstrip("\ufeff \t\r\n").lower()


def _every_line_is_an_object(data: bytes) -> bool:
    encoding = _bom_encoding(data[:4])
    if encoding and encoding != "utf-8":
        lines = data.decode(encoding, errors="ignore").split("\n")
        return all(line.lstrip("\ufeff \t\r").startswith("{") for line in lines if line.strip())
    return all(
        line.lstrip(b" \t\r").startswith((b"{", codecs.BOM_UTF8 + b"{"))
        for line in data.split(b"\n")
        if line.strip()
    )


# --------------------------------------------------------------------------------------------
# HTML


def read_html(data: bytes, *, origin: str, meta_override: SourceMeta = NO_OVERRIDE) -> RawSource:
    """The article text of a web page and its metadata (title, author, date, site name, URL).

    Scripts, styles, navigation, figure captions, images and tables are left out; broken markup
    is tolerated.  Paragraphs are separated by blank lines.  ``meta_override`` fields win over
    what the page says.  Raises :class:`MissingExtra` without the ``html`` extra and
    :class:`InvalidSource` when the page is binary or holds no article text.  Never fetches
    anything.
    """
    try:
        import trafilatura
    except ImportError:
        raise MissingExtra("HTML pages", "html", "trafilatura") from None
    _refuse_binary(data, origin=origin)
    try:
        found = trafilatura.bare_extraction(
            data,
            with_metadata=True,
            include_comments=False,
            include_images=False,
            include_tables=False,
            include_links=False,
            favor_precision=True,
            # extensive_search guesses a date from any year-like text (a copyright footer).
            date_extraction_params={
                "extensive_search": False,
                "original_date": True,
                "outputformat": "%Y-%m-%dT%H:%M:%S%z",
            },
        )
    except RecursionError:
        raise InvalidSource(f"{origin}: HTML nested too deeply to read") from None
    except Exception as exc:  # noqa: BLE001 - any parser failure on hostile input is a bad source
        raise InvalidSource(f"{origin}: HTML could not be read ({type(exc).__name__})") from None
    text = _paragraphs(found.text or "") if found is not None else ""
    if len(text.split()) < _MIN_ARTICLE_WORDS:
        raise InvalidSource(f"{origin}: no article text found")
    meta = SourceMeta(
        url=_clean(found.url),
        outlet=_clean(found.sitename),
        title=_clean(found.title),
        author=_clean(found.author),
        language=_clean(found.language),
        published_at=_published_time(data, found.date),
    )
    return RawSource(text=text, meta=meta.merged_with(meta_override), origin=origin, kind="html")


_META_TAG = re.compile(rb"<meta\b[^>]{0,500}>", re.IGNORECASE)
_META_TIME_NAMES = (b"article:published_time", b"og:published_time", b"datepublished", b"dc.date.issued")


def _published_time(data: bytes, page_date: str | None) -> datetime | None:
    """The page's publication time: the full timestamp of its ``article:published_time`` (or
    alike) meta tag when trafilatura only found the day, else trafilatura's date."""
    day = _parse_date_quietly(page_date)
    for tag in _META_TAG.findall(data[:262_144]):
        lowered = tag.lower()
        if not any(name in lowered for name in _META_TIME_NAMES):
            continue
        content = re.search(rb"""content\s*=\s*["']([^"']{8,40})["']""", tag, re.IGNORECASE)
        stamp = _parse_date_quietly(content.group(1).decode("ascii", "replace")) if content else None
        if stamp is not None and (day is None or stamp.date() == day.date()):
            return stamp
    return day


_MIN_ARTICLE_WORDS = 5  # fewer words is page furniture ("Home World"), not an article


def _paragraphs(text: str) -> str:
    """Lines of extracted text as paragraphs separated by blank lines."""
    lines = (" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n"))
    return "\n\n".join(line for line in lines if line)


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


# --------------------------------------------------------------------------------------------
# Feeds


_ENTITY_DECLARATION = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)
_ENTITIES_REFUSED = "feed declares XML entities (refused: billion-laughs / external entity protection)"


def read_feed(
    data: bytes,
    *,
    origin: str,
    meta_override: SourceMeta = NO_OVERRIDE,
    on_error: Callable[[str], None] | None = None,
) -> list[RawSource]:
    """One source per entry of an RSS or Atom feed.

    The body is the entry's content (else its summary) as plain text, paragraphs separated by
    blank lines; an entry with neither is read from its title, and one without even a title is
    reported through ``on_error`` as ``origin#N: entry has no text``.  Metadata: title, link ->
    url, published (else updated) -> published_at, author, feed title -> outlet, feed language;
    ``meta_override`` fields win.  Feeds that declare XML entities are refused before parsing;
    so are malformed feeds without entries.  Raises :class:`MissingExtra` without the ``feeds``
    extra.  The feed is parsed from the bytes given: nothing is fetched or opened.
    """
    try:
        import feedparser
    except ImportError:
        raise MissingExtra("feeds", "feeds", "feedparser") from None
    try:
        import defusedxml
        import defusedxml.ElementTree as safe_tree
    except ImportError:
        raise MissingExtra("feeds", "feeds", "defusedxml") from None
    _refuse_binary(data, origin=origin)
    try:
        safe_tree.fromstring(data)
    except defusedxml.DefusedXmlException:
        raise InvalidSource(f"{origin}: {_ENTITIES_REFUSED}") from None
    except Exception:  # noqa: BLE001 - not well-formed XML: feedparser's lenient parser may cope
        if _declares_entities(data):
            raise InvalidSource(f"{origin}: {_ENTITIES_REFUSED}") from None
    try:
        parsed = feedparser.parse(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001
        raise InvalidSource(f"{origin}: feed could not be read ({type(exc).__name__})") from None
    if not parsed.entries:
        if parsed.get("bozo"):
            reason = _one_line(str(parsed.get("bozo_exception") or "malformed"))[:120]
            raise InvalidSource(f"{origin}: not a well-formed RSS or Atom feed ({reason})")
        raise InvalidSource(f"{origin}: feed has no entries")
    channel = parsed.feed
    feed_meta = SourceMeta(outlet=_clean(channel.get("title")), language=_clean(channel.get("language")))
    sources = []
    for number, entry in enumerate(parsed.entries, start=1):
        entry_origin = f"{origin}#{number}"
        title = _entry_title(entry)
        text = _entry_body(entry) or title or ""
        if not text.strip():
            if on_error is not None:
                on_error(f"{entry_origin}: entry has no text")
            continue
        meta = feed_meta.merged_with(
            SourceMeta(
                url=_clean(entry.get("link")),
                title=title,
                author=_entry_author(entry),
                language=_clean((entry.get("content") or [{}])[0].get("language")),
                published_at=_entry_published(entry),
            )
        )
        sources.append(
            RawSource(text=text, meta=meta.merged_with(meta_override), origin=entry_origin, kind="feed-entry")
        )
    return sources


def _declares_entities(data: bytes) -> bool:
    if _ENTITY_DECLARATION.search(data):
        return True
    encoding = _bom_encoding(data)
    if encoding and encoding != "utf-8":
        return "<!entity" in data.decode(encoding, errors="ignore").lower().replace(" ", "")
    return False


def _entry_title(entry: Any) -> str | None:
    title = entry.get("title")
    if not isinstance(title, str):
        return None
    detail = entry.get("title_detail") or {}
    if "html" in str(detail.get("type", "")):
        title = html_to_text(title)
    return _clean(title)


_EMAIL_THEN_NAME = re.compile(r"^\s*[^\s@()]+@[^\s@()]+\s*\((.+)\)\s*$")  # RSS: "lois@x.example (Lois Lane)"


def _entry_author(entry: Any) -> str | None:
    author = entry.get("author")
    if isinstance(author, str):
        named = _EMAIL_THEN_NAME.match(author)
        return _clean(named.group(1) if named else author)
    return _clean((entry.get("author_detail") or {}).get("name"))


def _entry_body(entry: Any) -> str:
    candidates = [*(entry.get("content") or [])]
    if entry.get("summary_detail"):
        candidates.append(entry["summary_detail"])
    elif entry.get("summary"):
        candidates.append({"type": "text/html", "value": entry["summary"]})
    for candidate in candidates:
        value = candidate.get("value")
        if not isinstance(value, str) or not value.strip():
            continue
        if candidate.get("type") == "text/plain":
            text = "\n\n".join(
                " ".join(block.split()) for block in re.split(r"\n\s*\n", value) if block.strip()
            )
        else:
            text = html_to_text(value)
        if text:
            return text
    return ""


def _entry_published(entry: Any) -> datetime | None:
    for key in ("published", "updated", "created"):
        parsed = _parse_date_quietly(entry.get(key))
        if parsed is not None:
            return parsed
        struct = entry.get(f"{key}_parsed")
        if struct is not None:  # feedparser's own parse, always UTC
            try:
                return datetime.fromtimestamp(calendar.timegm(struct), tz=UTC)
            except (OverflowError, ValueError, OSError):
                continue
    return None


class _TextOfHtml(HTMLParser):
    """Collects the text of an HTML fragment as paragraphs of lines."""

    BLOCKS = frozenset(
        "address article aside blockquote dd div dl dt fieldset figure footer form h1 h2 h3 h4 h5 "  # noqa: SIM905
        "h6 header hr li main nav ol p pre section table tbody td th thead tr ul".split()
    )
    SKIPPED = frozenset(
        "script style figcaption noscript template iframe object svg math head title".split()  # noqa: SIM905
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[str]] = [[""]]
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self.paragraphs[-1].append("")
        elif tag in self.BLOCKS:
            self._break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.paragraphs[-1].append("")
        elif tag in self.BLOCKS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.paragraphs[-1][-1] += data

    def _break(self) -> None:
        if any(line.strip() for line in self.paragraphs[-1]):
            self.paragraphs.append([""])

    def text(self) -> str:
        paragraphs = []
        for lines in self.paragraphs:
            kept = [" ".join(line.split()) for line in lines]
            paragraph = "\n".join(line for line in kept if line)
            if paragraph:
                paragraphs.append(paragraph)
        return "\n\n".join(paragraphs)


def html_to_text(fragment: str) -> str:
    """The text of an HTML fragment: block elements become paragraphs separated by blank lines,
    ``<br>`` a line break; scripts, styles and figure captions are dropped; entities decoded.

    >>> html_to_text("<p>One &amp; two</p><p>Three<br>four</p>")
    'One & two\\n\\nThree\\nfour'
    """
    parser = _TextOfHtml()
    parser.feed(fragment)
    parser.close()
    return parser.text()


# --------------------------------------------------------------------------------------------
# JSONL

_JSONL_FIELDS = {
    "url": "url",
    "outlet": "outlet",
    "title": "title",
    "author": "author",
    "language": "language",
}


def read_jsonl(
    data: bytes,
    *,
    origin: str,
    meta_override: SourceMeta = NO_OVERRIDE,
    on_error: Callable[[str], None],
) -> list[RawSource]:
    """One source per line of ``{"text": ..., "url"?, "outlet"?, "title"?, "author"?,
    "published"?, "language"?}`` objects.

    Blank lines are skipped and other keys ignored.  A bad line (invalid JSON, not an object,
    missing or empty ``text``, a field that is not a string, an invalid ``published`` date) does
    not stop the file: it is reported through ``on_error`` as ``"{origin}:{lineno}: {problem}"``
    and the good lines are still returned (the caller counts each reported line as a failed
    source).  ``meta_override`` fields win over each line's.  The file as a whole must decode
    (:func:`decode_text`).
    """
    text = decode_text(data, origin=origin)
    sources = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        line_origin = f"{origin}:{lineno}"
        try:
            sources.append(_jsonl_source(line, origin=line_origin, meta_override=meta_override))
        except InvalidSource as exc:
            on_error(f"{line_origin}: {exc}")
    return sources


def _jsonl_source(line: str, *, origin: str, meta_override: SourceMeta) -> RawSource:
    try:
        record = json.loads(line)
    except RecursionError:
        raise InvalidSource("invalid JSON (nested too deeply)") from None
    except ValueError as exc:
        problem = exc.msg if isinstance(exc, json.JSONDecodeError) else "invalid"
        raise InvalidSource(f"invalid JSON ({problem.lower()})") from None
    if not isinstance(record, dict):
        raise InvalidSource(f"expected a JSON object, found {_json_type(record)}")
    body = record.get("text")
    if body is None:
        raise InvalidSource('missing "text"')
    if not isinstance(body, str):
        raise InvalidSource(f'"text" must be a string, not {_json_type(body)}')
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    if not body.strip():
        raise InvalidSource('empty "text"')
    if "\x00" in body:
        raise InvalidSource('"text" contains NUL characters')
    fields: dict[str, Any] = {}
    for key, name in _JSONL_FIELDS.items():
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise InvalidSource(f'"{key}" must be a string, not {_json_type(value)}')
        fields[name] = _clean(value)
    published = record.get("published")
    if published is not None:
        if not isinstance(published, str):
            raise InvalidSource(f'"published" must be a string, not {_json_type(published)}')
        try:
            fields["published_at"] = parse_published(published)
        except InvalidArgument as exc:
            raise InvalidSource(f'"published": {exc}') from None
    meta = SourceMeta(**fields).merged_with(meta_override)
    return RawSource(text=body, meta=meta, origin=origin, kind="jsonl")


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


# --------------------------------------------------------------------------------------------
# Paths to sources


def iter_sources(
    paths: Sequence[str],
    *,
    stdin: BinaryIO | None = None,
    meta_override: SourceMeta = NO_OVERRIDE,
    max_bytes: int = MAX_SOURCE_BYTES,
    kind: str | None = None,
    on_error: Callable[[str], None],
) -> Iterator[RawSource]:
    """The sources in ``paths``, in order, reporting each one that cannot be read to ``on_error``.

    Each path is a file; a folder (read recursively in sorted order, skipping hidden files and
    folders and files with binary extensions such as .pdf or .png, visiting each folder once
    even through symbolic-link loops); a glob pattern (``news/*.txt``, ``news/**/*.html``); or
    ``-`` for ``stdin`` (standard input when None).  ``kind`` forces how every file is read
    (``"text"``, ``"html"``, ``"feed"``, ``"jsonl"``); otherwise :func:`detect_kind` decides.

    A path that does not exist, cannot be read, or holds an invalid source is reported as one
    line (``"news/a.pdf: binary file (looks like PDF), not text"``) and the iteration goes on;
    the caller counts the lines as failures (the CLI exits with status 1 if there was any).
    ``meta_override`` fields win over metadata found in the sources.  At most ``max_bytes + 1``
    bytes are read from any file or from standard input.
    """
    if kind is not None and kind not in KINDS:
        raise InvalidArgument(f"unknown format {kind!r}: expected one of {', '.join(KINDS)}")
    if max_bytes < 1:
        raise InvalidArgument(f"the size limit must be a positive number of bytes, not {max_bytes}")
    stdin_read = False
    for path in paths:
        if path == "-":
            if stdin_read:
                on_error("-: standard input given more than once")
                continue
            stdin_read = True
            stream = stdin if stdin is not None else sys.stdin.buffer
            try:
                data = read_limited(stream, origin=STDIN_ORIGIN, max_bytes=max_bytes)
            except FactdbError as exc:
                on_error(_one_line(str(exc)))
                continue
            except OSError as exc:
                on_error(f"{STDIN_ORIGIN}: {_os_problem(exc)}")
                continue
            yield from _read_sources(data, STDIN_ORIGIN, "", kind, meta_override, on_error)
            continue
        for file_path in _expand(path, on_error):
            try:
                data = _read_file(file_path, origin=file_path, max_bytes=max_bytes)
            except FactdbError as exc:
                on_error(_one_line(str(exc)))
                continue
            except OSError as exc:
                on_error(f"{file_path}: {_os_problem(exc)}")
                continue
            yield from _read_sources(data, file_path, file_path, kind, meta_override, on_error)


def _read_sources(
    data: bytes,
    origin: str,
    name: str,
    forced_kind: str | None,
    meta_override: SourceMeta,
    on_error: Callable[[str], None],
) -> list[RawSource]:
    """The sources in one file's bytes; problems go to ``on_error``."""
    try:
        kind = forced_kind or detect_kind(name, data)
        if kind == "html":
            sources = [read_html(data, origin=origin, meta_override=meta_override)]
        elif kind == "feed":
            sources = read_feed(data, origin=origin, meta_override=meta_override, on_error=on_error)
        elif kind == "jsonl":
            sources = read_jsonl(data, origin=origin, meta_override=meta_override, on_error=on_error)
        else:
            text = decode_text(data, origin=origin)
            sources = [RawSource(text=text, meta=meta_override, origin=origin, kind="text")]
    except MissingExtra as exc:
        on_error(f"{origin}: {exc}")
        return []
    except FactdbError as exc:
        on_error(_one_line(str(exc)))
        return []
    return [raw for raw in sources if _encodable(raw, on_error)]


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(value: str) -> str | None:
    """Why no store can keep ``value``, or None: a NUL character (PostgreSQL text refuses it) or a
    lone surrogate (not encodable as UTF-8: a JSON ``"\\ud800"`` escape, undecodable argv bytes)."""
    found = _UNSTORABLE.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains NUL characters"
    return "is not valid Unicode (a lone surrogate such as \\ud800)"


def check_storable(text: str, meta: SourceMeta) -> None:
    """Raise :class:`InvalidSource` naming the field when a source's text or metadata cannot be
    stored (:func:`unstorable`)."""
    for name, value in [("text", text)] + [(name, getattr(meta, name)) for name in meta.__dataclass_fields__]:
        problem = unstorable(value) if isinstance(value, str) else None
        if problem:
            raise InvalidSource(f"{name} {problem}")


def _encodable(raw: RawSource, on_error: Callable[[str], None]) -> bool:
    """False (reported) when the source cannot be stored (:func:`check_storable`)."""
    try:
        check_storable(raw.text, raw.meta)
    except InvalidSource as exc:
        on_error(f"{_one_line(raw.origin)}: {exc}")
        return False
    return True


_GLOB_CHARACTERS = re.compile(r"[*?\[]")


def _expand(path: str, on_error: Callable[[str], None]) -> Iterator[str]:
    """The files a command-line path stands for, in order; problems go to ``on_error``."""
    explicit = os.path.lexists(path) or not _GLOB_CHARACTERS.search(path)
    if explicit:
        matches = [path]
    else:
        matches = sorted(glob.glob(path, recursive=True))
        if not matches:
            on_error(f"{path}: no file matches")
            return
    for match in matches:
        try:
            if os.path.isdir(match):
                yield from _walk(match, on_error)
            elif os.path.exists(match):
                if explicit or not _skipped(match):
                    yield match
            elif os.path.lexists(match):
                on_error(f"{match}: broken symbolic link")
            else:
                on_error(f"{match}: no such file or directory")
        except OSError as exc:
            on_error(f"{match}: {_os_problem(exc)}")


def _skipped(path: str) -> bool:
    return os.path.splitext(path)[1].lower() in SKIPPED_EXTENSIONS


def _walk(top: str, on_error: Callable[[str], None]) -> Iterator[str]:
    """The files under ``top``, depth first in name order, each folder visited once."""
    seen: set[tuple[int, int]] = set()
    stack: list[Iterator[os.DirEntry[str]]] = []

    def enter(directory: str) -> None:
        try:
            status = os.stat(directory)
            key = (status.st_dev, status.st_ino)
            if key in seen:  # a symbolic-link loop, or a folder reached twice
                return
            seen.add(key)
            with os.scandir(directory) as entries:
                stack.append(iter(sorted(entries, key=lambda entry: entry.name)))
        except OSError as exc:
            on_error(f"{directory}: {_os_problem(exc)}")

    enter(top)
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir():
                enter(entry.path)
            elif entry.is_file():
                if not _skipped(entry.name):
                    yield entry.path
            elif entry.is_symlink() and not os.path.exists(entry.path):
                on_error(f"{entry.path}: broken symbolic link")
            # sockets, pipes and devices inside a folder are passed over
        except OSError as exc:
            on_error(f"{entry.path}: {_os_problem(exc)}")


def _os_problem(exc: OSError) -> str:
    """An OSError as the few words a user needs: ``permission denied``, ``is a directory``."""
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    return (exc.strerror or type(exc).__name__).lower()


def _one_line(message: str) -> str:
    return " ".join(message.split())
