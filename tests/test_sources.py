"""Source readers: what `factdb add PATH... | -` makes of files, folders, globs and stdin."""

from __future__ import annotations

import builtins
import io
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factdb.errors import InvalidArgument, InvalidSource, MissingExtra, SourceTooLarge
from factdb.models import SourceMeta
from factdb.sources import (
    MAX_SOURCE_BYTES,
    RawSource,
    decode_text,
    detect_kind,
    iter_sources,
    parse_published,
    read_feed,
    read_html,
    read_jsonl,
)

ARTICLE = "The mayor said on Tuesday that 40 people were killed when the bridge collapsed.\n"


def read_all(paths, **kwargs) -> tuple[list[RawSource], list[str]]:
    """Every source iter_sources yields and every error line it reports."""
    errors: list[str] = []
    sources = list(iter_sources([str(p) for p in paths], on_error=errors.append, **kwargs))
    return sources, errors


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# ---------------------------------------------------------------------------------- encodings


def test_utf8_byte_order_mark_is_dropped(tmp_path):
    path = write(tmp_path / "a.txt", b"\xef\xbb\xbf" + "café\r\n".encode())
    [source], errors = read_all([path])
    assert errors == []
    assert source.text == "café\n"
    assert source.kind == "text"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_byte_order_mark_are_decoded(tmp_path, encoding):
    bom = {
        "utf-16-le": b"\xff\xfe",
        "utf-16-be": b"\xfe\xff",
        "utf-32-le": b"\xff\xfe\x00\x00",
        "utf-32-be": b"\x00\x00\xfe\xff",
    }.get(encoding, b"")
    path = write(tmp_path / "a.txt", bom + "Le café a fermé.\r\nשלום 👋\n".encode(encoding))
    [source], errors = read_all([path])
    assert errors == []
    assert source.text == "Le café a fermé.\nשלום 👋\n"


def test_latin1_text_is_decoded(tmp_path):
    path = write(tmp_path / "a.txt", "Le café a fermé à Genève, a dit le maire.".encode("latin-1"))
    [source], errors = read_all([path])
    assert errors == []
    assert source.text == "Le café a fermé à Genève, a dit le maire."


def test_cp1252_quotes_are_decoded():
    assert (
        decode_text(b"\x93Quoted\x94 \x96 it costs \x8030", origin="a.txt")
        == "\u201cQuoted\u201d \u2013 it costs €30"
    )


def test_stray_latin1_byte_in_utf8_text_keeps_the_utf8_characters():
    data = "Zürich — ".encode() + b"caf\xe9"
    assert decode_text(data, origin="a.txt") == "Zürich — café"


def test_old_mac_and_windows_newlines_become_line_feeds():
    assert decode_text(b"one\r\ntwo\rthree\n", origin="a.txt") == "one\ntwo\nthree\n"


def test_right_to_left_emoji_and_combining_characters_pass_through_unchanged(tmp_path):
    text = "قال الوزير إن 40 شخصا قتلوا. שלום. 👩‍👩‍👧 🇺🇦 e\u0301 (e + combining acute), \u200f RLM, Å vs A\u030a\n"
    path = write(tmp_path / "a.txt", text)
    [source], _ = read_all([path])
    assert source.text == text  # no NFC normalisation, nothing dropped


# ---------------------------------------------------------------------------------- refusals


def test_random_binary_is_refused(tmp_path):
    path = write(tmp_path / "a.txt", bytes(range(256)) * 8)
    sources, errors = read_all([path])
    assert sources == []
    assert errors == [f"{path}: binary file (contains NUL bytes), not text"]


def test_control_characters_without_nul_are_refused():
    with pytest.raises(InvalidSource, match=r"^a.txt: binary file \(control characters\), not text$"):
        decode_text(b"\x01\x02\x03\x04 abc \xff\xfe\x05" * 20, origin="a.txt")


def test_nul_bytes_are_refused_not_stripped():
    with pytest.raises(InvalidSource, match="contains NUL bytes"):
        decode_text(b"The mayor said\x00 forty died.", origin="a.txt")


def test_utf16_without_byte_order_mark_is_refused_with_a_hint():
    with pytest.raises(InvalidSource, match="UTF-16 without a byte-order mark; save it as UTF-8"):
        decode_text("The mayor said forty died.".encode("utf-16-le"), origin="a.txt")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"GIF89a\x01\x00\x01\x00", "GIF"),
        (b"\x1f\x8b\x08\x00\x00\x00", "gzip"),
    ],
)
def test_known_binary_formats_are_refused_by_name(tmp_path, data, name):
    path = write(tmp_path / "report.txt", data + b"plain words after the header" * 10)
    sources, errors = read_all([path])
    assert sources == []
    assert len(errors) == 1
    assert errors[0].startswith(f"{path}: binary file (looks like {name}")
    assert errors[0].endswith("), not text")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n\t\r\n  ",
        b"\xef\xbb\xbf  \n",
        "\u00a0\u3000\n".encode(),
        b"\xff\xfe" + " \n".encode("utf-16-le"),
    ],
)
def test_empty_and_whitespace_only_are_refused(tmp_path, data):
    path = write(tmp_path / "a.txt", data)
    sources, errors = read_all([path])
    assert sources == []
    assert errors == [f"{path}: empty"]


def test_invalid_utf16_after_its_byte_order_mark_is_refused():
    with pytest.raises(InvalidSource, match="not valid UTF-16"):
        decode_text(b"\xff\xfe" + b"\x00\xd8\x41\x00", origin="a.txt")  # lone surrogate


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048))
def test_decode_text_only_ever_refuses_with_invalid_source(data):
    try:
        text = decode_text(data, origin="fuzz")
    except InvalidSource as exc:
        assert "\n" not in str(exc) and str(exc).startswith("fuzz: ")
    else:
        assert isinstance(text, str) and text.strip() and "\x00" not in text and "\r" not in text


@settings(max_examples=200, deadline=None)
@given(
    st.text(min_size=1).filter(
        lambda t: (
            t.strip()
            and not any(ch in t for ch in "\x00\r")
            and sum(ch < " " and ch not in "\t\n\x0b\x0c" or ch == "\x7f" for ch in t) == 0
        )
    )
)
def test_any_text_saved_as_utf8_reads_back_unchanged(text):
    assert decode_text(text.encode("utf-8"), origin="fuzz") == text


# ---------------------------------------------------------------------------------- size limits


def test_50_mb_file_is_refused_quickly_without_reading_it(tmp_path, monkeypatch):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as file:  # sparse: costs no disk
        file.truncate(50 * 1024 * 1024)
    reads: list[int] = []
    real_open = builtins.open

    class CountingFile(io.FileIO):
        def read(self, size=-1):
            data = super().read(size)
            reads.append(len(data))
            return data

        def readinto(self, buffer):
            count = super().readinto(buffer)
            reads.append(count or 0)
            return count

    def counting_open(file, mode="r", *args, **kwargs):
        if str(file) == str(path):
            return io.BufferedReader(CountingFile(file, "rb"))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", counting_open)
    started = time.monotonic()
    sources, errors = read_all([path])
    assert time.monotonic() - started < 2
    assert sources == []
    assert errors == [f"{path}: larger than the 20 MiB limit (50 MiB); raise it with --max-bytes"]
    assert sum(reads) == 0


def test_stdin_beyond_the_limit_is_refused_after_reading_limit_plus_one_byte():
    class Endless(io.RawIOBase):
        served = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            buffer[:] = b"a" * len(buffer)
            self.served += len(buffer)
            return len(buffer)

    endless = Endless()
    sources, errors = read_all(["-"], stdin=io.BufferedReader(endless, buffer_size=1024), max_bytes=10_000)
    assert sources == []
    assert errors == ["<stdin>: larger than the 9.8 KiB limit; raise it with --max-bytes"]
    assert endless.served <= 10_001 + 1024


def test_max_bytes_raises_the_limit(tmp_path):
    path = write(tmp_path / "a.txt", ARTICLE * 1000)
    _, errors = read_all([path], max_bytes=1000)
    assert len(errors) == 1 and "limit" in errors[0]
    with pytest.raises(SourceTooLarge):
        raise SourceTooLarge(str(path), 1000)
    sources, errors = read_all([path], max_bytes=len(ARTICLE) * 1000)
    assert errors == [] and len(sources) == 1


def test_default_limit_is_20_mib():
    assert MAX_SOURCE_BYTES == 20 * 1024 * 1024


def test_one_megabyte_single_line_is_accepted(tmp_path):
    line = ("word " * 210_000)[: 1024 * 1024]
    path = write(tmp_path / "a.txt", line)
    [source], errors = read_all([path])
    assert errors == []
    assert source.text == line


# ---------------------------------------------------------------------------------- HTML

PAGE = b"""<!DOCTYPE html>
<html lang="en"><head><title>Bridge collapses | Daily Planet</title>
<meta name="author" content="Lois Lane">
<meta property="og:site_name" content="Daily Planet">
<meta property="og:title" content="Bridge collapses in storm">
<meta property="article:published_time" content="2024-03-05T10:20:00+02:00">
<link rel="canonical" href="https://planet.example/bridge">
<script>var SCRIPT_SECRET = "tracking";</script>
<style>.STYLE_SECRET { color: red }</style>
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Bridge collapses in storm</h1>
<p>The mayor said on Tuesday that 40 people were killed when the old bridge collapsed.
<p>Rescue teams searched the river through the night, <b>officials said
<figure><img src="bridge.jpg" alt="ALT_SECRET"><figcaption>CAPTION_SECRET: divers at work</figcaption></figure>
<p>The regional weather agency said more heavy rain was expected across the region this week.
<script>alert("SCRIPT_SECRET_2")</script>
</article>
<footer>Copyright 2024 Daily Planet</footer>
</body></html>"""


def test_html_page_gives_article_text_without_scripts_styles_or_captions(tmp_path):
    path = write(tmp_path / "bridge.html", PAGE)
    [source], errors = read_all([path])
    assert errors == []
    assert source.kind == "html"
    assert "40 people were killed" in source.text
    assert "more heavy rain was expected" in source.text
    for secret in ("SCRIPT_SECRET", "STYLE_SECRET", "CAPTION_SECRET", "ALT_SECRET", "<p>", "<b>"):
        assert secret not in source.text
    assert "\n\n" in source.text  # paragraphs separated by blank lines


def test_html_metadata_is_read_from_the_page(tmp_path):
    [source], _ = read_all([write(tmp_path / "bridge.html", PAGE)])
    assert source.meta.url == "https://planet.example/bridge"
    assert source.meta.outlet == "Daily Planet"
    assert source.meta.author == "Lois Lane"
    assert source.meta.title and "Bridge collapses" in source.meta.title
    assert source.meta.published_at == datetime(2024, 3, 5, 8, 20, tzinfo=UTC)


def test_html_in_a_legacy_charset_is_decoded(tmp_path):
    body = "Москва заявила во вторник, что переговоры о мирном плане продолжатся на следующей неделе."
    page = f"<html><head><meta charset='windows-1251'></head><body><article><p>{body}</p></article></body></html>"
    [source], errors = read_all([write(tmp_path / "ru.html", page.encode("cp1251"))])
    assert errors == []
    assert source.text == body


def test_html_without_article_text_is_refused(tmp_path):
    page = (
        b"<html><head><title>Home</title><script>var a = 'lots of script text here';</script></head>"
        b"<body><nav><a href='/'>Home</a> <a href='/w'>World</a></nav><footer>(c) 2024</footer></body></html>"
    )
    path = write(tmp_path / "index.html", page)
    sources, errors = read_all([path])
    assert sources == []
    assert errors == [f"{path}: no article text found"]


def test_html_entity_declarations_are_never_expanded():
    page = b"""<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">
    <!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
    <html><body><article><p>The mayor said on Tuesday that forty people were killed. &xxe; &lol2;</p>
    </article></body></html>"""
    source = read_html(page, origin="x.html")
    assert "forty people were killed" in source.text
    assert "root:" not in source.text and "lollol" not in source.text


def test_deeply_nested_html_is_refused_cleanly():
    page = (
        b"<html><body>" + b"<div>" * 100_000 + b"<p>Officials said the bridge fell.</p>" + b"</div>" * 100_000
    )
    with pytest.raises(InvalidSource, match="^deep.html: "):
        read_html(page, origin="deep.html")


def test_html_needs_the_html_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # makes `import trafilatura` fail
    with pytest.raises(MissingExtra, match=r"pip install 'factdb\[html\]'"):
        read_html(PAGE, origin="a.html")


def test_missing_html_extra_is_one_error_line_per_page_and_text_still_reads(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    page = write(tmp_path / "a.html", PAGE)
    write(tmp_path / "b.txt", ARTICLE)
    sources, errors = read_all([tmp_path])
    assert [s.origin for s in sources] == [str(tmp_path / "b.txt")]
    assert errors == [
        f"{page}: HTML pages needs the optional package 'trafilatura': pip install 'factdb[html]'"
    ]


# ---------------------------------------------------------------------------------- feeds

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Daily Planet</title><language>en</language>
<item><title>Bridge collapses</title><link>https://planet.example/bridge</link>
<pubDate>Tue, 05 Mar 2024 14:30:00 +0100</pubDate><author>lois@planet.example (Lois Lane)</author>
<description>&lt;p&gt;The mayor said 40 people were killed.&lt;/p&gt;&lt;script&gt;evil()&lt;/script&gt;&lt;p&gt;Rescue goes on.&lt;/p&gt;</description></item>
<item><title>Storm warning</title><link>https://planet.example/storm</link>
<pubDate>Wed, 06 Mar 2024 08:00:00 GMT</pubDate><description>More rain is expected, the agency said.</description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Planet Wire</title><id>urn:x</id><updated>2024-03-05T10:00:00Z</updated>
<entry><title>Minister resigns</title><id>urn:1</id><link href="https://wire.example/1"/>
<published>2024-03-05T10:00:00+02:00</published><updated>2024-03-05T11:00:00Z</updated>
<author><name>Jimmy Olsen</name></author>
<content type="html">&lt;p&gt;The minister resigned on Monday, her office said.&lt;/p&gt;&lt;p&gt;No reason was given.&lt;/p&gt;</content>
</entry></feed>"""


def test_rss_feed_gives_one_source_per_entry_with_metadata(tmp_path):
    path = write(tmp_path / "planet.rss", RSS)
    sources, errors = read_all([path])
    assert errors == []
    assert [s.origin for s in sources] == [f"{path}#1", f"{path}#2"]
    first = sources[0]
    assert first.kind == "feed-entry"
    assert first.text == "The mayor said 40 people were killed.\n\nRescue goes on."
    assert first.meta == SourceMeta(
        url="https://planet.example/bridge",
        outlet="Daily Planet",
        title="Bridge collapses",
        author="Lois Lane",
        language="en",
        published_at=datetime(2024, 3, 5, 13, 30, tzinfo=UTC),
    )
    assert sources[1].text == "More rain is expected, the agency said."


def test_atom_feed_gives_entries_with_metadata(tmp_path):
    [entry], errors = read_all([write(tmp_path / "wire.atom", ATOM)])
    assert errors == []
    assert entry.text == "The minister resigned on Monday, her office said.\n\nNo reason was given."
    assert entry.meta.outlet == "Planet Wire"
    assert entry.meta.author == "Jimmy Olsen"
    assert entry.meta.url == "https://wire.example/1"
    assert entry.meta.published_at == datetime(2024, 3, 5, 8, 0, tzinfo=UTC)


def test_feed_is_recognised_by_content_without_an_extension(tmp_path):
    [entry], errors = read_all([write(tmp_path / "download", ATOM)])
    assert errors == [] and entry.kind == "feed-entry"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>x</title><description>&lol9;</description></item></channel></rss>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>Leak</title><item><title>Leak</title><description>&xxe;</description></item></channel></rss>"""


def test_billion_laughs_feed_is_refused(tmp_path):
    path = write(tmp_path / "lol.xml", BILLION_LAUGHS)
    sources, errors = read_all([path])
    assert sources == []
    assert errors == [
        f"{path}: feed declares XML entities (refused: billion-laughs / external entity protection)"
    ]


def test_external_entity_feed_is_refused_and_never_reads_the_file(tmp_path):
    path = write(tmp_path / "xxe.rss", XXE)
    errors: list[str] = []
    sources = list(iter_sources([str(path)], on_error=errors.append))
    assert sources == []
    assert len(errors) == 1 and "feed declares XML entities" in errors[0]
    assert "root:" not in errors[0]


def test_entity_declarations_in_a_malformed_feed_are_still_refused():
    data = XXE.replace(b"</channel></rss>", b"<unclosed></channel></rss>")
    with pytest.raises(InvalidSource, match="declares XML entities"):
        read_feed(data, origin="bad.rss")


def test_entity_declarations_in_a_utf16_feed_are_refused():
    with pytest.raises(InvalidSource, match="declares XML entities"):
        read_feed(
            b"\xff\xfe"
            + XXE.decode().replace('version="1.0"', 'version="1.0" encoding="utf-16"').encode("utf-16-le"),
            origin="wide.rss",
        )


RSS_091 = b"""<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old News</title><link>http://old.example</link><description>d</description>
<item><title>Caf\xe9 closes</title><link>http://old.example/1</link>
<description>The caf\xe9 closed on Monday&amp;nbsp;after 40 years.</description></item></channel></rss>"""


def test_old_rss_with_an_external_doctype_but_no_entities_is_read():
    [entry] = read_feed(RSS_091, origin="old.rss")
    assert entry.text == "The café closed on Monday after 40 years."
    assert entry.meta.title == "Café closes" and entry.meta.outlet == "Old News"


def test_reading_pages_and_feeds_never_touches_the_network(monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("a source reader tried to use the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    read_html(PAGE, origin="a.html")
    read_feed(RSS_091, origin="old.rss")
    remote_entity = XXE.replace(b"file:///etc/passwd", b"http://attacker.example/x")
    with pytest.raises(InvalidSource, match="declares XML entities"):
        read_feed(remote_entity, origin="evil.rss")


def test_malformed_feed_is_refused_in_one_line(tmp_path):
    path = write(tmp_path / "broken.rss", b"<?xml version='1.0'?><rss><channel><title>Oops</ti")
    sources, errors = read_all([path])
    assert sources == []
    assert len(errors) == 1
    assert errors[0].startswith(f"{path}: ")
    assert "\n" not in errors[0]


def test_feed_reader_never_opens_a_path_or_url_it_is_given(tmp_path, monkeypatch):
    secret = write(tmp_path / "secret.xml", RSS)
    with pytest.raises(InvalidSource):
        read_feed(str(secret).encode(), origin="x")  # a path as content is not a feed
    with pytest.raises(InvalidSource):
        read_feed(b"https://planet.example/feed.xml", origin="x")


def test_feed_entry_without_any_text_is_reported_and_others_kept():
    data = RSS.replace(
        b"<item><title>Storm warning</title>",
        b"<item><link>https://x.example/empty</link></item><item><title>Storm warning</title>",
    )
    errors: list[str] = []
    sources = read_feed(data, origin="p.rss", on_error=errors.append)
    assert [s.origin for s in sources] == ["p.rss#1", "p.rss#3"]
    assert errors == ["p.rss#2: entry has no text"]


def test_feeds_need_the_feeds_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "feedparser", None)
    with pytest.raises(MissingExtra, match=r"'feedparser': pip install 'factdb\[feeds\]'"):
        read_feed(RSS, origin="a.rss")


# ---------------------------------------------------------------------------------- JSONL


def test_jsonl_reads_good_lines_and_reports_bad_ones_with_line_numbers(tmp_path):
    lines = [
        '{"text": "The mayor said 40 died.", "url": "https://a.example/1", "outlet": "A", "published": "2024-03-05"}',
        "",
        "{not json",
        "[1, 2]",
        '{"url": "https://a.example/3"}',
        '{"text": "   "}',
        '{"text": 42}',
        '{"text": "ok", "outlet": ["A"]}',
        '{"text": "ok", "published": "last Tuesday"}',
        '{"text": "Second good line.", "title": "T", "author": "Lois", "language": "en", "extra": 1}',
    ]
    path = write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n")
    sources, errors = read_all([path])
    assert [s.text for s in sources] == ["The mayor said 40 died.", "Second good line."]
    assert [s.origin for s in sources] == [f"{path}:1", f"{path}:10"]
    assert sources[0].meta == SourceMeta(
        url="https://a.example/1", outlet="A", published_at=datetime(2024, 3, 5, tzinfo=UTC)
    )
    assert sources[1].meta == SourceMeta(title="T", author="Lois", language="en")
    assert [e.split(": ", 1)[0] for e in errors] == [f"{path}:{n}" for n in (3, 4, 5, 6, 7, 8, 9)]
    assert errors[1] == f"{path}:4: expected a JSON object, found an array"
    assert errors[2] == f'{path}:5: missing "text"'
    assert errors[3] == f'{path}:6: empty "text"'
    assert errors[4] == f'{path}:7: "text" must be a string, not a number'
    assert errors[5] == f'{path}:8: "outlet" must be a string, not an array'
    assert errors[6].startswith(f"{path}:9: \"published\": invalid date 'last Tuesday'")


def test_jsonl_with_deeply_nested_json_reports_the_line():
    errors: list[str] = []
    assert read_jsonl(b"[" * 100_000 + b"\n", origin="deep.jsonl", on_error=errors.append) == []
    assert errors == ["deep.jsonl:1: invalid JSON (nested too deeply)"]


def test_jsonl_text_keeps_unicode_line_separators_inside_strings():
    data = '{"text": "one\u2028two \u05e9\u05dc\u05d5\u05dd"}\n'.encode()
    [source] = read_jsonl(data, origin="a.jsonl", on_error=pytest.fail)
    assert source.text == "one\u2028two \u05e9\u05dc\u05d5\u05dd"


# ---------------------------------------------------------------------------------- kinds


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("a.md", b"<html>", "text"),
        ("a.HTM", b"plain", "html"),
        ("a.atom", b"", "feed"),
        ("a.ndjson", b"", "jsonl"),
        ("page", b"\n  <!DOCTYPE html><html>", "html"),
        ("page", b"\xef\xbb\xbf<html><body>", "html"),
        ("feed", b"<?xml version='1.0'?>\n<rss version='2.0'>", "feed"),
        ("feed", b"<?xml version='1.0'?><!-- hi --><feed xmlns='http://www.w3.org/2005/Atom'>", "feed"),
        ("feed", "<?xml version='1.0'?><rss>".encode("utf-16"), "feed"),
        ("x.json", b'{"text": "a"}\n\n{"text": "b"}\n', "jsonl"),
        ("notes", b'{"text": "a"}\nthen prose\n', "text"),
        ("notes", b"date 2024-03-05\nThe mayor said...", "text"),
        ("-", b"<?xml version='1.0'?><svg>", "text"),
    ],
)
def test_kind_is_detected_by_extension_then_by_content(name, data, kind):
    assert detect_kind(name, data) == kind


def test_forced_format_wins_over_detection(tmp_path):
    path = write(tmp_path / "a.html", "<p>The mayor said forty died.</p>")
    [source], errors = read_all([path], kind="text")
    assert errors == [] and source.kind == "text" and source.text.startswith("<p>")
    with pytest.raises(InvalidArgument, match="unknown format 'pdf'"):
        read_all([path], kind="pdf")


# ---------------------------------------------------------------------------------- paths


def test_folder_is_read_recursively_in_sorted_order_skipping_hidden_and_binary_files(tmp_path):
    write(tmp_path / "news" / "b.txt", ARTICLE)
    write(tmp_path / "news" / "a.txt", ARTICLE)
    write(tmp_path / "news" / "sub" / "c.md", ARTICLE)
    write(tmp_path / "news" / "a2" / "z.txt", ARTICLE)
    write(tmp_path / "news" / ".hidden.txt", ARTICLE)
    write(tmp_path / "news" / ".git" / "d.txt", ARTICLE)
    write(tmp_path / "news" / "photo.jpg", b"\xff\xd8\xff\xe0")
    write(tmp_path / "news" / "scan.PDF", b"%PDF-1.4")
    sources, errors = read_all([tmp_path / "news"])
    assert errors == []
    names = [os.path.relpath(s.origin, tmp_path / "news") for s in sources]
    assert names == ["a.txt", os.path.join("a2", "z.txt"), "b.txt", os.path.join("sub", "c.md")]


def test_named_file_is_read_even_when_hidden_or_with_a_binary_extension(tmp_path):
    hidden = write(tmp_path / ".draft.txt", ARTICLE)
    odd = write(tmp_path / "misnamed.pdf", ARTICLE)
    sources, errors = read_all([hidden, odd])
    assert errors == [] and len(sources) == 2


def test_symlink_loop_in_a_folder_is_visited_once(tmp_path):
    write(tmp_path / "news" / "a.txt", ARTICLE)
    os.symlink(tmp_path / "news", tmp_path / "news" / "loop")
    os.symlink(tmp_path / "missing.txt", tmp_path / "news" / "dangling.txt")
    sources, errors = read_all([tmp_path / "news"])
    assert [Path(s.origin).name for s in sources] == ["a.txt"]
    assert errors == [f"{tmp_path / 'news' / 'dangling.txt'}: broken symbolic link"]


def test_glob_patterns_are_expanded_in_sorted_order(tmp_path):
    write(tmp_path / "news" / "b.txt", ARTICLE)
    write(tmp_path / "news" / "a.txt", ARTICLE)
    write(tmp_path / "news" / "c.html", PAGE)
    write(tmp_path / "news" / "deep" / "d.txt", ARTICLE)
    sources, errors = read_all([f"{tmp_path}/news/*.txt"])
    assert errors == []
    assert [Path(s.origin).name for s in sources] == ["a.txt", "b.txt"]
    sources, errors = read_all([f"{tmp_path}/news/**/*.txt"])
    assert [Path(s.origin).name for s in sources] == ["a.txt", "b.txt", "d.txt"]


def test_glob_without_match_is_reported(tmp_path):
    sources, errors = read_all([f"{tmp_path}/nothing/*.txt"])
    assert sources == [] and errors == [f"{tmp_path}/nothing/*.txt: no file matches"]


def test_stdin_dash_is_read_and_sniffed():
    sources, errors = read_all(["-"], stdin=io.BytesIO(ARTICLE.encode()))
    assert errors == []
    assert sources == [RawSource(text=ARTICLE, meta=SourceMeta(), origin="<stdin>", kind="text")]
    sources, errors = read_all(["-"], stdin=io.BytesIO(ATOM))
    assert errors == [] and sources[0].kind == "feed-entry" and sources[0].origin == "<stdin>#1"


def test_stdin_given_twice_is_reported_once(tmp_path):
    sources, errors = read_all(["-", "-"], stdin=io.BytesIO(ARTICLE.encode()))
    assert len(sources) == 1 and errors == ["-: standard input given more than once"]


def test_nonexistent_path_is_reported_and_the_rest_still_read(tmp_path):
    good = write(tmp_path / "a.txt", ARTICLE)
    sources, errors = read_all([tmp_path / "missing.txt", good])
    assert errors == [f"{tmp_path / 'missing.txt'}: no such file or directory"]
    assert [s.origin for s in sources] == [str(good)]


def test_each_bad_source_is_one_error_line_and_iteration_goes_on(tmp_path):
    write(tmp_path / "news" / "1.txt", ARTICLE)
    write(tmp_path / "news" / "2.txt", b"")
    write(tmp_path / "news" / "3.txt", b"%PDF-1.4 ...")
    write(tmp_path / "news" / "4.txt", ARTICLE)
    sources, errors = read_all([tmp_path / "news"])
    assert [Path(s.origin).name for s in sources] == ["1.txt", "4.txt"]
    assert len(errors) == 2 and all("\n" not in e for e in errors)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 folder anyway; see the simulated test")
def test_unreadable_folder_is_reported(tmp_path):
    locked = tmp_path / "locked"
    write(locked / "a.txt", ARTICLE)
    locked.chmod(0)
    try:
        sources, errors = read_all([locked])
    finally:
        locked.chmod(0o755)
    assert sources == [] and errors == [f"{locked}: permission denied"]


def test_unreadable_folder_is_reported_simulated(tmp_path, monkeypatch):
    write(tmp_path / "news" / "a.txt", ARTICLE)
    write(tmp_path / "news" / "locked" / "b.txt", ARTICLE)
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    sources, errors = read_all([tmp_path / "news"])
    assert [Path(s.origin).name for s in sources] == ["a.txt"]
    assert errors == [f"{tmp_path / 'news' / 'locked'}: permission denied"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file anyway")
def test_unreadable_file_is_reported(tmp_path):
    path = write(tmp_path / "a.txt", ARTICLE)
    path.chmod(0)
    sources, errors = read_all([path])
    assert sources == [] and errors == [f"{path}: permission denied"]


# ---------------------------------------------------------------------------------- metadata


def test_overrides_win_over_detected_metadata(tmp_path):
    override = SourceMeta(
        outlet="Override Times",
        url="https://override.example/x",
        published_at=datetime(2020, 1, 1, tzinfo=UTC),
    )
    html = write(tmp_path / "a.html", PAGE)
    feed = write(tmp_path / "b.rss", RSS)
    jsonl = write(
        tmp_path / "c.jsonl", '{"text": "Forty died.", "outlet": "Line Outlet", "author": "Lois"}\n'
    )
    text = write(tmp_path / "d.txt", "outlet: Header Outlet\n\n" + ARTICLE)
    sources, errors = read_all([html, feed, jsonl, text], meta_override=override)
    assert errors == [] and len(sources) == 5
    for source in sources:
        assert source.meta.outlet == "Override Times"
        assert source.meta.url == "https://override.example/x"
        assert source.meta.published_at == datetime(2020, 1, 1, tzinfo=UTC)
    assert sources[0].meta.author == "Lois Lane"  # fields not overridden are kept
    assert sources[3].meta.author == "Lois"
    assert sources[4].text.startswith("outlet: Header Outlet")  # the header is parse_document's job


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05", datetime(2024, 3, 5, tzinfo=UTC)),
        ("2024-03-05T14:30", datetime(2024, 3, 5, 14, 30, tzinfo=UTC)),
        ("2024-03-05T14:30:00Z", datetime(2024, 3, 5, 14, 30, tzinfo=UTC)),
        ("2024-03-05T14:30:00+01:00", datetime(2024, 3, 5, 13, 30, tzinfo=UTC)),
        (" 2024-03-05 14:30:00-05:00 ", datetime(2024, 3, 5, 19, 30, tzinfo=UTC)),
        ("Tue, 05 Mar 2024 14:30:00 GMT", datetime(2024, 3, 5, 14, 30, tzinfo=UTC)),
        ("Tue, 05 Mar 2024 14:30:00 +0200", datetime(2024, 3, 5, 12, 30, tzinfo=UTC)),
        ("5 Mar 2024 14:30:00 -0000", datetime(2024, 3, 5, 14, 30, tzinfo=UTC)),
    ],
)
def test_published_dates_are_read_as_utc(value, expected):
    parsed = parse_published(value)
    assert parsed == expected and parsed.tzinfo == UTC


@pytest.mark.parametrize(
    "value", ["", "yesterday", "2024-13-01", "2024-02-30", "Tue, 99 Foo 2024", "9" * 5000]
)
def test_invalid_published_date_is_one_line_error(value):
    with pytest.raises(InvalidArgument, match="^invalid date .*ISO 8601") as raised:
        parse_published(value)
    assert "\n" not in str(raised.value) and len(str(raised.value)) < 200


def test_unreadable_file_is_reported_simulated(tmp_path, monkeypatch):
    locked = write(tmp_path / "locked.txt", ARTICLE)
    good = write(tmp_path / "good.txt", ARTICLE)
    real_open = builtins.open

    def guarded_open(file, *args, **kwargs):
        if str(file) == str(locked):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    sources, errors = read_all([locked, good])
    assert [s.origin for s in sources] == [str(good)]
    assert errors == [f"{locked}: permission denied"]


def test_html_publication_time_keeps_the_hour_from_article_published_time():
    page = (
        b'<html><head><title>Dam report</title>'
        b'<meta property="article:published_time" content="2026-03-15T16:20:00Z"></head>'
        b"<body><article><p>The regional council approved the compensation plan for displaced families "
        b"on Monday, council chairman Edvard Lusk said in a statement to reporters.</p></article></body></html>"
    )
    found = read_html(page, origin="page.html")
    assert found.meta.published_at == datetime(2026, 3, 15, 16, 20, tzinfo=UTC)
