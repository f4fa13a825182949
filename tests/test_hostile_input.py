"""Hostile input through `factdb add`: a one-line error (exit 1) or a sane result (exit 0), in
bounded time and memory, and never a half-written source.

Each case is a row of :data:`CASES`: how to build the input, the exit code, a pattern the error
lines must match, and how many sources must be stored afterwards.  Every case runs the real
command in a subprocess with a time limit and an address-space limit, measures the process's
peak memory, then checks the store with :func:`verify_store`.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import resource
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from factdb.store import open_store
from factdb.store.integrity import verify_store
from factdb.store.schema import Mention, Source

from .corpus import FACTDB, make_corpus

CLAIM = "The Velmira council approved the compensation plan for displaced families on Monday, officials said."
OTHER = "Police in Dunrask arrested two traders accused of smuggling stolen turbines."
TIME_LIMIT = 60.0  # seconds, per case unless the case says less
MEMORY_LIMIT = 3 << 30  # address space of the factdb process (RLIMIT_AS)
PEAK_RSS_LIMIT = 700 << 20  # what a case may actually use
MIB = 1 << 20


@dataclass(frozen=True)
class Case:
    """One hostile input and what `factdb add` must do with it."""

    name: str
    make: Callable[[Path], tuple[list[str], bytes | None]]  # folder -> (add arguments, stdin bytes)
    code: int
    error: str | None = None  # regex every "error:" line must match (exit 1), None for exit 0
    sources: int | None = None  # sources stored afterwards (None: not checked)
    seconds: float = TIME_LIMIT
    check: Callable[[object], None] | None = field(default=None, compare=False)  # check(store)
    unprivileged: bool = False  # root reads chmod 000 files anyway: run root without that power


def _file(name: str, data: bytes | str) -> Callable[[Path], tuple[list[str], None]]:
    def make(folder: Path) -> tuple[list[str], None]:
        path = folder / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return [str(path)], None

    return make


def _stdin(data: bytes, *args: str) -> Callable[[Path], tuple[list[str], bytes]]:
    return lambda folder: ([*args, "-"], data)


def _stored_text_contains(fragment: str, present: bool = True) -> Callable[[object], None]:
    def check(store) -> None:
        with store.read() as session:
            texts = list(session.execute(select(Source.__table__.c.text)).scalars())
        assert any(fragment in t for t in texts) is present, f"{fragment!r} {'missing from' if present else 'in'} stored text"

    return check


def _mentions_at_least(n: int) -> Callable[[object], None]:
    def check(store) -> None:
        with store.read() as session:
            count = session.execute(select(func.count()).select_from(Mention.__table__)).scalar()
        assert count >= n, f"{count} mentions, expected at least {n}"

    return check


def _tables_intact(store) -> None:
    with store.engine.connect() as connection:
        assert {"sources", "claims", "mentions"} <= set(inspect(connection).get_table_names())
    _stored_text_contains("DROP TABLE")(store)


def _big_sparse(folder: Path) -> tuple[list[str], None]:
    path = folder / "huge.txt"
    with path.open("wb") as out:
        out.write(b"A " * 1000)
        out.truncate(50 * MIB)  # sparse: 50 MB on paper, refused before reading
    return [str(path)], None


def _one_mb_line(folder: Path) -> tuple[list[str], None]:
    sentence = "The council approved the plan and the mayor said the bridge would reopen soon "
    return _file("line.txt", (sentence * (MIB // len(sentence)))[:MIB])(folder)


# Storing costs ~10 ms per new claim (matching), so the long texts state a few hundred distinct
# propositions many times: what they test is extraction and one huge transaction, not matching.
def _sentences_on_one_line(folder: Path) -> tuple[list[str], None]:
    line = " ".join(make_corpus(sources=1, per_source=1, pool_size=100, seed=3).pool)
    return _file("sentences.txt", (line + " ") * (MIB // 4 // (len(line) + 1)))(folder)


def _ten_thousand_sentences(folder: Path) -> tuple[list[str], None]:
    pool = make_corpus(sources=1, per_source=1, pool_size=50, seed=4).pool
    paragraphs = (" ".join(pool[(i + j) % len(pool)] for j in range(5)) for i in range(0, 10_000, 5))
    return _file("long.txt", "\n\n".join(paragraphs))(folder)


def _ten_thousand_paragraph_quote(folder: Path) -> tuple[list[str], None]:
    # A quote that opens and never closes: each paragraph reopens it, as newspapers do.
    body = "\n\n".join(f"“The dam held for {i % 50} hours before the wall gave way" for i in range(10_000))
    return _file("quote.txt", f"Kellan said:\n\n{body}\n")(folder)


def _tiny_files(count: int, distinct: int) -> Callable[[Path], tuple[list[str], None]]:
    def make(folder: Path) -> tuple[list[str], None]:
        tiny = folder / "tiny"
        tiny.mkdir()
        for i in range(count):
            text = f"Mayor Lina Brusk said bridge {i % distinct} reopened."
            (tiny / f"{i:05d}.txt").write_text(text, encoding="utf-8")
        return [str(tiny)], None

    return make


def _symlink_loop(folder: Path) -> tuple[list[str], None]:
    (folder / "a").symlink_to(folder / "b")
    (folder / "b").symlink_to(folder / "a")
    return [str(folder / "a")], None


def _folder_with_loop(folder: Path) -> tuple[list[str], None]:
    news = folder / "news"
    news.mkdir()
    (news / "story.txt").write_text(CLAIM, encoding="utf-8")
    (news / "again").symlink_to(news, target_is_directory=True)
    return [str(news)], None


def _fifo_with_writer(folder: Path) -> tuple[list[str], None]:
    path = folder / "pipe.txt"
    os.mkfifo(path)

    def write() -> None:
        with path.open("w", encoding="utf-8") as pipe:
            pipe.write(CLAIM)

    threading.Thread(target=write, daemon=True).start()
    return [str(path)], None


def _folder_with_fifo(folder: Path) -> tuple[list[str], None]:
    news = folder / "news"
    news.mkdir()
    os.mkfifo(news / "pipe.txt")  # nobody writes: reading it would hang
    (news / "story.txt").write_text(CLAIM, encoding="utf-8")
    return [str(news)], None


def _unreadable(kind: str) -> Callable[[Path], tuple[list[str], None]]:
    def make(folder: Path) -> tuple[list[str], None]:
        target = folder / "locked"
        if kind == "dir":
            target.mkdir()
            (target / "story.txt").write_text(CLAIM, encoding="utf-8")
        else:
            target.write_text(CLAIM, encoding="utf-8")
        target.chmod(0)
        return [str(target)], None

    return make


def _deep_html(folder: Path) -> tuple[list[str], None]:
    return _file("deep.html", "<html><body>" + "<div>" * 100_000 + CLAIM + "</div>" * 100_000 + "</body></html>")(folder)


def _jsonl(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>Laughs</title>
<item><title>Joke</title><description>&lol9; The council approved the plan.</description></item>
</channel></rss>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<rss version="2.0"><channel><title>Leak</title>
<item><title>Leak</title><description>The file says &secret; and the council approved the plan.</description></item>
</channel></rss>
"""

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wire</title>
<item><title>One</title><description>{one}</description></item>
<item><title>Two</title><description>{two}</description></item>
</channel></rss>
"""

HTML = f"""<!doctype html><html><head><title>Dam</title>
<style>body {{ color: red }} p.secret {{ }}</style>
<script>var stolen = "SCRIPT-PAYLOAD"; document.write("<p>" + stolen + "</p>");</script></head>
<body><article><h1>Dam council</h1><p>{CLAIM}<p>{OTHER}
<div><span>unclosed <b>bold <i>italic</div></p></table></article>
<script>alert("SCRIPT-PAYLOAD")</script></body>
"""

SQL = "Robert'); DROP TABLE sources; -- said that the council approved the plan on Monday. SELECT * FROM claims WHERE 1=1; said nobody."

CASES = [
    # -- empty, binary, NUL ------------------------------------------------------------------
    Case("empty file", _file("empty.txt", b""), 1, r"empty", sources=0),
    Case("whitespace only", _file("blank.txt", b"  \n\t\r\n   \n"), 1, r"empty", sources=0),
    Case("binary bytes", _file("noise.txt", bytes(range(256)) * 64), 1, r"binary", sources=0),
    Case("PNG named .txt", _file("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(200)), 1, r"PNG", sources=0),
    Case("PDF on stdin", _stdin(b"%PDF-1.7\n" + b"x" * 500), 1, r"<stdin>: binary.*PDF", sources=0),
    Case("NUL bytes in text", _file("nul.txt", CLAIM.encode() + b"\x00\x00" + OTHER.encode()), 1, r"NUL", sources=0),
    Case("control characters above 1%", _file("bell.txt", ("\x07" * 30 + CLAIM) * 3), 1, r"control", sources=0),
    Case("a few control characters", _file("bell2.txt", CLAIM * 3 + "\x07\x1b " + OTHER), 0, sources=1),
    # -- encodings ---------------------------------------------------------------------------
    Case("UTF-16 LE with BOM", _file("u16.txt", codecs.BOM_UTF16_LE + f"{CLAIM} Zoë.".encode("utf-16-le")), 0,
         sources=1, check=_stored_text_contains("Zoë")),
    Case("UTF-16 BE with BOM", _file("u16be.txt", codecs.BOM_UTF16_BE + CLAIM.encode("utf-16-be")), 0, sources=1,
         check=_mentions_at_least(1)),
    Case("UTF-16 without BOM", _file("u16nobom.txt", CLAIM.encode("utf-16-le")), 1, r"UTF-16 without", sources=0),
    Case("UTF-16 BOM, lone surrogate", _file("surrogate.txt", codecs.BOM_UTF16_LE + CLAIM.encode("utf-16-le") + b"\x00\xd8"),
         1, r"not valid UTF-16", sources=0),
    Case("UTF-32 with BOM", _file("u32.txt", codecs.BOM_UTF32_LE + CLAIM.encode("utf-32-le")), 0, sources=1),
    Case("UTF-8 BOM", _file("bom.txt", codecs.BOM_UTF8 + CLAIM.encode()), 0, sources=1,
         check=_stored_text_contains("\ufeff", present=False)),
    Case("Latin-1 text", _file("latin1.txt", f"{CLAIM} The café in Pelin reopened, Zoë said.".encode("latin-1")), 0,
         sources=1, check=_stored_text_contains("café")),
    Case("invalid UTF-8 bytes", _file("bad-utf8.txt", CLAIM.encode() + b" \xc3\x28 \xa0\xa1 \xed\xa0\x80 " + OTHER.encode()),
         0, sources=1, check=_mentions_at_least(2)),
    # -- size and shape ----------------------------------------------------------------------
    Case("50 MB file, refused before reading", _big_sparse, 1, r"larger than the 20 MiB limit", sources=0, seconds=15),
    Case("2 MB on stdin over a 1 MB limit", _stdin(b"The council met. " * (2 * MIB // 17), "--max-bytes", str(MIB)),
         1, r"<stdin>: larger than the 1 MiB limit", sources=0, seconds=15),
    Case("/dev/zero", lambda folder: (["/dev/zero"], None), 1, r"/dev/zero: larger than", sources=0, seconds=15),
    Case("1 MB single line, one endless sentence", _one_mb_line, 0, sources=1),
    Case("256 KB single line of sentences", _sentences_on_one_line, 0, sources=1, check=_mentions_at_least(1500)),
    Case("10,000-sentence article", _ten_thousand_sentences, 0, sources=1, check=_mentions_at_least(9000)),
    Case("10,000-paragraph quote never closed", _ten_thousand_paragraph_quote, 0, sources=1),
    Case("1 MB word without spaces", _file("word.txt", "a" * MIB + ". " + CLAIM), 0, sources=1),
    Case("2,000 tiny files, 40 distinct", _tiny_files(2000, distinct=40), 0, sources=40),
    Case("mixed line endings", _file("crlf.txt", f"{CLAIM}\r\n\r\n{OTHER}\r\rKellan said the dam held.\n\nEnd of report.\r"),
         0, sources=1, check=_stored_text_contains("\r", present=False)),
    Case("header only, no body", _file("header.txt", "title: Nothing\noutlet: Wire\npublished: 2026-03-14\n\n"),
         0, sources=1),
    Case("invalid date in header", _file("date.txt", f"published: 2026-13-45\n\n{CLAIM}"), 0, sources=1),
    # -- HTML and feeds ----------------------------------------------------------------------
    Case("HTML with script, style, broken markup", _file("page.html", HTML), 0, sources=1,
         check=_stored_text_contains("SCRIPT-PAYLOAD", present=False)),
    Case("HTML of scripts only", _file("scripts.html", "<html><head><script>var a = 1;</script></head><body><script>b()</script></body></html>"),
         1, r"no article text", sources=0),
    Case("HTML nested 100,000 deep", _deep_html, None, r"deep\.html: ", seconds=60),
    Case("feed with billion laughs", _file("laughs.xml", BILLION_LAUGHS), 1, r"declares XML entities", sources=0, seconds=15),
    Case("feed with an external entity", _file("xxe.xml", EXTERNAL_ENTITY), 1, r"declares XML entities", sources=0,
         check=_stored_text_contains("root:", present=False)),
    Case("feed cut inside its channel", _file("cut.xml", FEED.format(one=CLAIM, two=OTHER)[:80]), 1, r"cut\.xml: ",
         sources=0),
    Case("feed cut inside its second item", _file("cut2.xml", FEED.format(one=CLAIM, two=OTHER)[:-60]), 0, sources=2),
    Case("feed with a surrogate character reference", _file("sur.xml", FEED.format(one=CLAIM + " &#xD800;", two=OTHER)),
         1, r"sur\.xml: ", sources=0),
    Case("feed entry with HTML-escaped script", _file("esc.xml", FEED.format(
        one=f"&lt;script&gt;alert('SCRIPT-PAYLOAD')&lt;/script&gt;&lt;p&gt;{CLAIM}&lt;/p&gt;", two=OTHER)), 0, sources=2,
         check=_stored_text_contains("SCRIPT-PAYLOAD", present=False)),
    Case("plain text forced as feed", _stdin(CLAIM.encode(), "--format", "feed"), 1, r"<stdin>: not a well-formed", sources=0),
    # -- JSONL -------------------------------------------------------------------------------
    Case("JSONL with bad lines", _file("batch.jsonl", _jsonl(
        json.dumps({"text": CLAIM}), "{not json", json.dumps(["a list"]), json.dumps({"title": "no text"}),
        json.dumps({"text": OTHER, "published": "yesterday"}), json.dumps({"text": OTHER, "url": 5}),
        json.dumps({"text": OTHER}))), 1, r"batch\.jsonl:(2|3|4|5|6): ", sources=2),
    Case("JSONL nested 100,000 deep", _file("deep.jsonl", _jsonl(json.dumps({"text": CLAIM}), '{"text": ' + "[" * 100_000)),
         1, r"deep\.jsonl:2: invalid JSON", sources=1),
    Case("JSONL text with NUL", _file("nul.jsonl", _jsonl(json.dumps({"text": CLAIM + "\x00"}), json.dumps({"text": OTHER}))),
         1, r"nul\.jsonl:1: .*NUL", sources=1),
    Case("JSONL title with NUL", _file("nultitle.jsonl", _jsonl(json.dumps({"text": CLAIM, "title": "a\x00b"}), json.dumps({"text": OTHER}))),
         1, r"nultitle\.jsonl:1: title contains NUL", sources=1),
    Case("JSONL text with a lone surrogate", _file("surrogate.jsonl", _jsonl('{"text": "' + CLAIM + ' \\ud800"}', json.dumps({"text": OTHER}))),
         1, r"surrogate\.jsonl:1: ", sources=1),
    Case("JSONL with a 256 KB line", _file("long.jsonl", _jsonl(json.dumps({"text": (CLAIM + " ") * (MIB // 4 // len(CLAIM))}))),
         0, sources=1),
    # -- text that looks like something else -------------------------------------------------
    Case("unclosed quotes", _file("quotes.txt", f"“{CLAIM}\n\n\"{OTHER}\n\n«Kellan said the dam held."), 0, sources=1),
    Case("right-to-left text", _file("rtl.txt", "قال المتحدث إن السد انهار صباح السبت.\n\nהמועצה אישרה את התוכנית ביום שני.\n\n" + CLAIM),
         0, sources=1, check=_stored_text_contains("המועצה")),
    Case("bidi override characters", _file("bidi.txt", f"\u202e{CLAIM}\u202c \u2066{OTHER}\u2069"), 0, sources=1),
    Case("emoji", _file("emoji.txt", f"🌊 {CLAIM} 👍🏽 The flood 🏚️ destroyed 40 houses in Pelin, officials said. 🇺🇦"), 0,
         sources=1, check=_stored_text_contains("👍🏽")),
    Case("combining characters", _file("combining.txt", "Zoe\u0308 D\u0327urovac said that Z\u0336\u0317a\u0335l\u0334g\u0337o flooded the dam.\n\n" + CLAIM),
         0, sources=1, check=_stored_text_contains("Zoe\u0308")),
    Case("SQL-looking text", _file("sql.txt", SQL), 0, sources=1, check=_tables_intact),
    Case("markup in plain text", _file("markup.txt", f"<script>alert(1)</script> {CLAIM} <!-- x --> &amp;"), 0, sources=1),
    # -- paths -------------------------------------------------------------------------------
    Case("path that does not exist", lambda folder: ([str(folder / "missing.txt")], None), 1, r"missing\.txt: no such file",
         sources=0),
    Case("glob that matches nothing", lambda folder: ([str(folder / "*.nothing")], None), 1, r"no file matches", sources=0),
    Case("symbolic-link loop", _symlink_loop, 1, r"/a: (too many levels of symbolic links|no such file|broken)", sources=0),
    Case("folder that links to itself", _folder_with_loop, 0, sources=1),
    Case("FIFO with a writer", _fifo_with_writer, 0, sources=1, seconds=30),
    Case("folder holding a FIFO nobody writes", _folder_with_fifo, 0, sources=1, seconds=30),
    Case("unreadable folder", _unreadable("dir"), 1, r"locked: permission denied", sources=0, unprivileged=True),
    Case("unreadable file", _unreadable("file"), 1, r"locked: permission denied", sources=0, unprivileged=True),
    Case("stdin given twice", _stdin(CLAIM.encode(), "-"), 1, r"standard input given more than once", sources=1),
    Case("file name with a newline", _file("two\nlines.txt", b""), 1, r"two lines\.txt: empty", sources=0),
    Case("file name that is not UTF-8", _file(os.fsdecode(b"caf\xe9.txt"), CLAIM), 0, sources=1),
    Case("option with undecodable bytes", lambda folder: (["--title", os.fsdecode(b"caf\xe9"), *_file("t.txt", CLAIM)(folder)[0]], None),
         1, r"t\.txt: title is not valid Unicode", sources=0),
]


#: As root, drop the capabilities that let root read any file (the kernel then checks chmod 000).
WITHOUT_DAC_OVERRIDE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


def _run(args: list[str], stdin: bytes | None, db: str, *, seconds: float, unprivileged: bool):
    """Run `factdb --db DB add ARGS`; return (exit code, stderr, seconds, peak RSS in bytes)."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    prefix = WITHOUT_DAC_OVERRIDE if unprivileged and os.geteuid() == 0 else []
    started = time.monotonic()
    process = subprocess.Popen(
        [*prefix, *FACTDB, "--db", db, "add", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=limit,
    )
    timer = threading.Timer(seconds, process.kill)
    timer.start()
    try:
        feeder = threading.Thread(target=_feed, args=(process, stdin), daemon=True)
        feeder.start()
        stderr = process.stderr.read().decode("utf-8", errors="replace")
        process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        timer.cancel()
    took = time.monotonic() - started
    assert took < seconds, f"killed after {seconds}s"
    return process.returncode, stderr, took, usage.ru_maxrss * 1024


def _feed(process: subprocess.Popen, data: bytes | None) -> None:
    try:
        if data:
            process.stdin.write(data)
        process.stdin.close()
    except (BrokenPipeError, OSError):
        pass  # refused before reading it all


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input(case: Case, tmp_path: Path):
    if case.unprivileged and os.geteuid() == 0 and not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: a chmod 000 path stays readable (see test_sources' simulated test)")
    folder = tmp_path / "in"
    folder.mkdir()
    db = f"sqlite:///{tmp_path / 'factdb.db'}"
    args, stdin = case.make(folder)
    code, stderr, took, peak = _run(args, stdin, db, seconds=case.seconds, unprivileged=case.unprivileged)

    lines = stderr.strip().splitlines()
    assert lines and lines[-1].startswith("sources: "), stderr
    errors = lines[:-1]
    assert all(line.startswith("error: ") for line in errors), stderr
    assert "Traceback" not in stderr and "unexpected" not in stderr, stderr
    if case.code is not None:
        assert code == case.code, stderr
    assert code in (0, 1), stderr
    if code == 1:
        assert errors, "exit 1 needs an error line"
        if case.code is not None:
            assert all(re.search(case.error, line) for line in errors), stderr
    else:
        assert not errors, stderr
    assert peak < PEAK_RSS_LIMIT, f"peak memory {peak / MIB:.0f} MiB"

    with open_store(db) as store:
        assert verify_store(store) == [], "a failed source must leave nothing behind"
        with store.read() as session:
            stored = session.execute(select(func.count()).select_from(Source.__table__)).scalar()
        added = int(re.search(r"(\d+) added", lines[-1]).group(1))
        assert stored == added, "the summary counts what is stored"
        if case.sources is not None:
            assert stored == case.sources
        if case.check is not None:
            case.check(store)


def test_there_are_at_least_forty_cases():
    assert len(CASES) >= 40 and len({c.name for c in CASES}) == len(CASES)
