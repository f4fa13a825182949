"""The HTML report: its content on the sample store (SQLite and PostgreSQL), its filters, its
escaping of hostile sources, and the page as headless Chromium renders it."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest
from factdb.cli.app import app
from typer.testing import CliRunner

from factdb.curate import review_claim
from factdb.errors import MissingExtra
from factdb.ingest import add_document
from factdb.models import ClaimStatus, ContradictionKind, Document, SourceMeta
from factdb.queries import claim_history, list_claims, list_contradictions, most_contested_claims, store_stats
from factdb.report import MAX_TIMELINES, build_report, safe_url, write_report
from factdb.store import open_store
from tests.conftest import IN_CI, REPO
from tests.samples import SAMPLES

TEMPLATES = REPO / "factdb" / "templates"


def open_sample_store(url: str):
    """A store holding the bundled sample articles, added the way a user adds them."""
    result = CliRunner().invoke(app, ["--db", url, "add", str(SAMPLES)])
    assert result.exit_code == 0, result.stderr
    return open_store(url)


@pytest.fixture
def sample_store(db_url):
    """The sample store on each database in turn."""
    with open_sample_store(db_url) as store:
        yield store


@pytest.fixture
def sqlite_sample_store(tmp_path):
    """The sample store on SQLite only (the page does not depend on the database)."""
    with open_sample_store(f"sqlite:///{tmp_path / 'samples.db'}") as store:
        yield store


# ---------------------------------------------------------------------------------------------
# Reading the page back


class Page(HTMLParser):
    """Every element with its attributes, the script and style bodies, and the visible text."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._raw: str | None = None
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._raw = tag
            (self.scripts.append((dict(attrs), "")) if tag == "script" else self.styles.append(""))

    def handle_endtag(self, tag):
        if tag == self._raw:
            self._raw = None

    def handle_data(self, data):
        if self._raw == "script":
            attrs, body = self.scripts[-1]
            self.scripts[-1] = (attrs, body + data)
        elif self._raw == "style":
            self.styles[-1] += data
        else:
            self.text.append(data)

    @property
    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())


def blocks(markup: str, css: str) -> dict[str, str]:
    """The text of each ``<article class="card {css}" id=...>`` by id."""
    found = re.findall(rf'<article class="card {css}" id="([^"]+)"[^>]*>(.*?)</article>', markup, flags=re.S)
    return {anchor: " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split()) for anchor, body in found}


def squeeze(text: str | None) -> str:
    return " ".join((text or "").split())


# ---------------------------------------------------------------------------------------------
# Content


def test_overview_counts_are_the_store_counts(sample_store):
    markup = build_report(sample_store)
    stats = store_stats(sample_store)
    for key in ("sources", "claims", "speakers", "contradictions"):
        assert f'<div class="v">{stats[key]}</div><div class="k">{key}</div>' in markup
    assert stats["contradictions"] > 0
    statuses = Page(
        re.search(r'<div class="statuses" id="status-counts">.*?</div>', markup, re.S).group(0)
    ).visible
    for status, n in stats["claims_by_status"].items():
        assert f"{status if status != 'none' else 'no status'} {n}" in statuses


def test_polarity_contradiction_is_shown_side_by_side_with_both_speakers(sample_store):
    polarity = list_contradictions(sample_store, kind=ContradictionKind.POLARITY)
    assert polarity, "the samples hold denials (README test points 3-5)"
    cards = blocks(build_report(sample_store), "contradiction")
    shown = [text for text in cards.values() if text.startswith("polarity")]
    assert len(shown) == len(polarity)
    for c in polarity:
        (card,) = [
            text for text in shown if squeeze(c.side.quote) in text and squeeze(c.other_side.quote) in text
        ]
        for side in (c.side, c.other_side):
            assert squeeze(side.speaker or side.outlet) in card
            assert side.stance.value in card and squeeze(side.outlet) in card
            assert side.published_at.strftime("%Y-%m-%d") in card
    assert any("Dariusz Lenk" in text for text in shown)  # the operator's spokesman denies (samples/README)


def test_the_quotes_are_marked_in_their_paragraph_and_linked_to_their_source(sample_store):
    markup = build_report(sample_store)
    c = list_contradictions(sample_store)[0]
    marked = [html.unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", markup, flags=re.S)]
    assert c.side.quote in marked and c.other_side.quote in marked
    links = {attrs.get("href") for tag, attrs in Page(markup).elements if tag == "a"}
    assert {c.side.url, c.other_side.url} <= links


def test_a_timeline_svg_is_drawn_for_each_selected_claim(sample_store):
    markup = build_report(sample_store)
    timelines = re.findall(
        r'<article class="card timeline" id="claim-(\d+)".*?</article>', markup, flags=re.S
    )
    drawn = {int(i) for i in timelines}
    expected = {c.claim_id for c in most_contested_claims(sample_store, limit=MAX_TIMELINES)}
    expected |= {i for c in list_contradictions(sample_store) for i in (c.claim_id, c.other_claim_id)}
    assert drawn == expected and drawn
    for claim_id in drawn:
        card = re.search(
            rf'<article class="card timeline" id="claim-{claim_id}".*?</article>', markup, re.S
        ).group(0)
        assert card.count('<svg class="axis valid"') == 1 and card.count('<svg class="axis recorded"') == 1
        marks = len(
            re.findall(r'class="mark (?:affirms|denies|hedged)"', card.split('<svg class="axis recorded"')[0])
        )
        assert marks == len(claim_history(sample_store, claim_id).mentions)


def test_reviewer_verdict_and_its_note_are_on_the_timeline(sample_store):
    claim_id = list_contradictions(sample_store, kind=ContradictionKind.POLARITY)[0].claim_id
    review_claim(
        sample_store,
        claim_id,
        ClaimStatus.FALSE,
        reviewer="Desk A",
        note="Letters show <no> warning",
        reviewed_at=datetime(2026, 3, 18, tzinfo=timezone.utc),
    )
    card = blocks(build_report(sample_store), "timeline")[f"claim-{claim_id}"]
    assert "verdict false by Desk A: Letters show <no> warning" in card
    markup = build_report(sample_store)
    assert '<path class="verdict"' in markup.split(f'id="claim-{claim_id}"')[1].split("</article>")[0]


def test_claim_filter_keeps_only_those_claims(sample_store):
    everything = blocks(build_report(sample_store), "timeline")
    chosen = sorted(int(anchor.split("-")[1]) for anchor in everything)[0]
    markup = build_report(sample_store, claim_ids=[chosen])
    assert list(blocks(markup, "timeline")) == [f"claim-{chosen}"]
    expected = [c for c in list_contradictions(sample_store) if chosen in (c.claim_id, c.other_claim_id)]
    assert len(blocks(markup, "contradiction")) == len(expected)


def test_speaker_filter_keeps_that_speakers_contradictions_and_claims(sample_store):
    everything = build_report(sample_store)
    markup = build_report(sample_store, speaker="Dariusz Lenk")
    cards = blocks(markup, "contradiction")
    assert cards and len(cards) < len(blocks(everything, "contradiction"))
    assert all("Dariusz Lenk" in text for text in cards.values())
    lenk = {c.claim_id for c in list_claims(sample_store, speaker="Dariusz Lenk", limit=None)}
    assert {int(a.split("-")[1]) for a in blocks(markup, "timeline")} <= lenk | {
        i
        for c in list_contradictions(sample_store, speaker="Dariusz Lenk")
        for i in (c.claim_id, c.other_claim_id)
    }


def test_since_filter_drops_what_was_published_before(sample_store):
    since = datetime(2026, 3, 16, tzinfo=timezone.utc)
    markup = build_report(sample_store, since=since)
    kept = blocks(markup, "contradiction")
    assert len(kept) < len(blocks(build_report(sample_store), "contradiction"))
    assert not any(
        text.startswith("numeric") and "2026-03-16" not in text for text in kept
    )  # the 14 vs 31 of Saturday
    for anchor in blocks(markup, "timeline"):
        history = claim_history(sample_store, int(anchor.split("-")[1]))
        assert any((m.published_at or m.recorded_at) >= since for m in history.mentions)


def test_as_of_shows_the_world_as_it_stood_then(sample_store):
    as_of = datetime(2026, 3, 14, 23, 59, tzinfo=timezone.utc)
    markup = build_report(sample_store, as_of=as_of)
    text = Page(markup).visible
    for later in ("2026-03-15", "2026-03-16", "2026-03-17"):
        assert later not in text
    shown = re.findall(
        r'id="claim-(\d+)" data-filter="[^"]*">\s*<div class="timeline-head"><h3>.*?</h3>'
        r'<span class="pill st-([a-z]+)">',
        markup,
        flags=re.S,
    )
    assert shown and len(shown) == len(blocks(markup, "timeline"))
    for claim_id, status in shown:
        then = claim_history(sample_store, int(claim_id), as_of=as_of).status
        assert status == (then.value if then else "none")
    assert markup != build_report(sample_store)


def test_caps_bound_the_page_whatever_the_store_size(sample_store, monkeypatch):
    import factdb.report as report

    monkeypatch.setattr(report, "MAX_TIMELINES", 1)
    monkeypatch.setattr(report, "MAX_CONTRADICTIONS", 1)
    monkeypatch.setattr(report, "MAX_MARKS", 2)
    markup = build_report(sample_store)
    assert len(blocks(markup, "contradiction")) == 1
    timelines = re.findall(r'<article class="card timeline".*?</article>', markup, flags=re.S)
    assert 1 <= len(timelines) <= 1 + 2
    for card in timelines:
        valid = card.split('<svg class="axis recorded"')[0]
        assert len(re.findall(r'class="mark (?:affirms|denies|hedged)"', valid)) <= 2
    ids = re.findall(r'<article class="card timeline" id="claim-(\d+)"', markup)
    sizes = {len(claim_history(sample_store, int(i)).mentions) for i in ids}
    assert max(sizes) > 2  # the disputed claims have more mentions than that
    for n in sizes - {1, 2}:
        assert f"2 of {n} mentions drawn, spread over time" in markup


# ---------------------------------------------------------------------------------------------
# Safety


HOSTILE_BODY = (
    "The dam operator ignored <script>alert(1)</script> safety warnings about the Velmira Dam, "
    "mayor Ana Bell said.\n\n"
    "The operator did not ignore </style><img src=x onerror=alert(2)> safety warnings about the Velmira Dam, "
    "spokesman Ivo Lund said."
)


def test_hostile_source_text_cannot_run_in_the_report(store, tmp_path):
    for url in ("javascript:alert(3)", "JaVaScRiPt:alert(4)", " javascript:alert(5)"):
        add_document(
            store,
            Document(
                text=HOSTILE_BODY + f" {url}",
                meta=SourceMeta(
                    url=url,
                    outlet="<script>alert(6)</script>",
                    title="</style><script>alert(7)</script>",
                    published_at=datetime(2026, 3, 14, tzinfo=timezone.utc),
                ),
            ),
        )
    claims = list_claims(store, limit=None)
    assert claims
    review_claim(
        store,
        claims[0].claim_id,
        ClaimStatus.FALSE,
        reviewer="<script>alert(8)</script>",
        note='</style><a href="javascript:alert(9)">x</a>',
    )
    path = write_report(store, tmp_path / "report.html", claim_ids=[c.claim_id for c in claims])
    markup = path.read_text(encoding="utf-8")
    page = Page(markup)
    # exactly our one inline script (allowed by its hash) and our one style sheet
    assert [body for _, body in page.scripts] == [(TEMPLATES / "report.js").read_text(encoding="utf-8")]
    assert all(not attrs for attrs, _ in page.scripts)
    assert page.styles == [(TEMPLATES / "report.css").read_text(encoding="utf-8")]
    for tag, attrs in page.elements:
        assert tag not in ("img", "iframe", "object", "embed", "base", "link", "form"), tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src", "action", "xlink:href", "formaction"):
                assert (value or "").strip().lower().startswith(("#", "http://", "https://")), (
                    tag,
                    name,
                    value,
                )
    # ...and every hostile string is on the page as text
    for shown in (
        "<script>alert(1)</script>",
        "<script>alert(6)</script>",
        "javascript:alert(3)",
        "<script>alert(8)</script>",
        'href="javascript:alert(9)"',
    ):
        assert shown in page.visible


def test_content_security_policy_allows_only_the_page_script():
    markup_csp = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')
    script = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    with open_store("sqlite://") as store:
        markup = build_report(store)
    policy = html.unescape(markup_csp.search(markup).group(1))
    assert "default-src 'none'" in policy and f"script-src 'sha256-{digest}'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://example.com/a?b=1", "https://example.com/a?b=1"),
        ("http://example.net/x", "http://example.net/x"),
        ("javascript:alert(1)", None),
        ("JAVASCRIPT:alert(1)", None),
        ("  javascript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("vbscript:msgbox(1)", None),
        ("//example.com/no-scheme", None),
        ("https://exa mple.com/", None),
        ("ftp://example.com/file", None),
        (None, None),
    ],
)
def test_only_http_urls_become_links(url, link):
    assert safe_url(url) == link


# ---------------------------------------------------------------------------------------------
# Writing, the CLI, the extra


def test_cli_writes_the_page_atomically_and_prints_its_path(sample_store, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    url = sample_store.engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(app, ["--db", url, "report"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == "factdb-report.html"
    result = CliRunner().invoke(
        app,
        [
            "--db",
            url,
            "report",
            "-o",
            "dam.html",
            "--since",
            "2026-03-16",
            "--speaker",
            "Dariusz Lenk",
            "--as-of",
            "2026-03-17",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["dam.html", "factdb-report.html"]  # no temporary left
    assert "speaker: Dariusz Lenk" in (out / "dam.html").read_text(encoding="utf-8")
    result = CliRunner().invoke(app, ["--db", url, "report", "--since", "last week"])
    assert result.exit_code == 1 and "--since" in result.stderr


def test_without_jinja2_the_report_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "jinja2", None)
    with open_store("sqlite://") as store, pytest.raises(MissingExtra, match=r"factdb\[report\]"):
        build_report(store)


def test_empty_store_gives_a_page_that_says_so():
    with open_store("sqlite://") as store:
        text = Page(build_report(store)).visible
    assert "No contradictions." in text and "No claims." in text


# ---------------------------------------------------------------------------------------------
# In a real browser

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
    # Nothing can leave the machine whatever the page asks for: every host name fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        reason = "headless Chromium not installed (apt-get install -y chromium)"
        if IN_CI:
            pytest.fail(f"{reason}: the browser test is required in CI")
        pytest.skip(reason)
    return found


def run_chromium(
    binary: str, tmp_path: Path, name: str, page: Path, *extra: str
) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{name}"  # a fresh profile for every run
    return subprocess.run(
        [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    )


def page_requests(net_log: Path) -> list[str]:
    """http(s)/ws(s) URLs that a page asked the network stack for, from Chromium's NetLog.

    The NetLog records every URL request the browser's network stack starts, before DNS: so a
    request shows up even though ``--host-resolver-rules`` makes it fail.  Chromium's own
    background requests (update checks, account probes) carry the initiator "not an origin";
    requests made for a page carry the page's origin (``null`` for a file:// page).
    """
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if event["type"] != start_job or "url" not in params:
            continue
        if params.get("initiator") == "not an origin":
            continue
        if re.match(r"(?i)(https?|wss?)://", params["url"]):
            urls.append(params["url"])
    return urls


@pytest.mark.browser
def test_report_renders_in_headless_chromium_without_network(sqlite_sample_store, tmp_path):
    sample_store = sqlite_sample_store
    binary = chromium()
    report = write_report(sample_store, tmp_path / "report.html")
    markup = report.read_text(encoding="utf-8")

    # 1. The page as written: rendered DOM (after the script ran under the CSP), and a screenshot.
    dom = run_chromium(binary, tmp_path, "dom", report, "--dump-dom").stdout
    contradiction = list_contradictions(sample_store, kind=ContradictionKind.POLARITY)[0]
    text = Page(dom).visible
    assert squeeze(contradiction.side.quote) in text and squeeze(contradiction.other_side.quote) in text
    assert dom.count('<svg class="axis valid"') == markup.count('<svg class="axis valid"') > 0
    assert "<circle" in dom and "<rect" in dom
    assert re.search(r'<div id="filter" class="filter">', dom), "the filter script did not run (CSP hash?)"
    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    shot = tmp_path / "report.png"
    run_chromium(
        binary,
        tmp_path,
        "shot",
        report,
        "--window-size=1280,2000",
        "--hide-scrollbars",
        f"--screenshot={shot}",
    )
    assert shot.stat().st_size > 10_000
    shutil.copyfile(shot, artifacts / "report.png")  # for a person to look at (gitignored)

    # 2. No request leaves the page.  The CSP alone would block an external fetch before it reached
    #    the network stack (so the log would miss it): check the page with its CSP removed, and
    #    check that the same detector does see a request on a probe copy that makes one.
    no_csp = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", markup)
    assert no_csp != markup
    bare = tmp_path / "bare.html"
    bare.write_text(no_csp, encoding="utf-8")
    probe = tmp_path / "probe.html"
    probe.write_text(
        no_csp.replace("</body>", '<img src="http://factdb-probe.invalid/p.png"></body>'), encoding="utf-8"
    )
    for name, page in (("bare", bare), ("probe", probe)):
        run_chromium(
            binary,
            tmp_path,
            name,
            page,
            f"--log-net-log={tmp_path / name}.json",
            "--net-log-capture-mode=Default",
            "--dump-dom",
        )
    assert page_requests(tmp_path / "probe.json") == ["http://factdb-probe.invalid/p.png"]
    assert page_requests(tmp_path / "bare.json") == []
