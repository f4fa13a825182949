"""Claim-extraction quality and speed against the hand-annotated gold set.

    python bench/extraction_eval.py [--news-dir DIR] [--show-misses] [--no-speed]

Gold: ``tests/gold/extraction/*.json`` (one file per article, each naming its ``split``).  Every
split found in the gold files is reported on its own row, then the pooled row ``dev+test`` (the
halves the extractor has been tuned on).  A split other than ``dev`` and ``test`` (such as
``holdout``) is *blind*: reported like the others, never pooled, and its failures are never shown.

A gold claim is *found* when an extracted candidate's span overlaps the gold quote's span.
Precision counts extracted candidates that overlap some gold claim.  Speaker and stance accuracy
are measured on found claims; speaker names match ignoring case, a leading article, honorifics
and possessives, or on the surname alone.  Quantity recall: gold numbers (over all gold claims,
missed ones included) equal to a quantity value of an overlapping candidate.  "captions" counts
candidates extracted from caption/credit/byline lines in a written caption suite and in the
articles.  Speed: ``extract`` over all articles repeated for at least two seconds on one core.

``--show-misses`` prints the failures on the tuned-on splits (dev and test), never a blind one.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from factdb.extract import extract  # noqa: E402
from factdb.sentences import split_sentences  # noqa: E402

GOLD_DIR = REPO / "tests" / "gold" / "extraction"
TARGETS = {"recall": 0.9, "speaker": 0.9, "stance": 0.95, "captions": 0, "speed": 2000.0}
# The splits the extractor has been tuned on; any other split in the gold files is blind.
TUNED_SPLITS = ("dev", "test")
POOLED = "dev+test"
_HONORIFIC = re.compile(r"^(?:mr|mrs|ms|dr|sir|the|a|an)\.?\s+", re.IGNORECASE)

# Caption, credit, byline and dateline lines, written for this benchmark (none are claims).
CAPTION_SUITE = """title: Flood waters rise in the valley
published: 2024-05-01

Flood waters rise in the valley

By Jane Doe and Omar Haddad

MOSCOW, May 1 (Reuters)

Rescue workers carry a resident through flood water in Riverton on Tuesday. (Maria Lopez, Valley Times/AP)

Image: A flooded street in Riverton.

Residents wait on a rooftop. Photo via AP

(Photo: Reuters)

Photograph: Daniel Berg/Getty Images

Credit: Valley Times

Pictured: the damaged bridge at Millford

File photo of the Riverton dam taken in 2019.

The regional governor said 14 people had died and 300 homes were flooded.

Officials did not rule out further evacuations, according to the emergency service.
"""
CAPTION_SUITE_CLAIMS = 2


def news_dir(arg: str | None) -> Path:
    """The article directory: --news-dir, else $FACTDB_NEWS_DIR, else <repo>/../shared/news."""
    if arg:
        return Path(arg)
    env = os.environ.get("FACTDB_NEWS_DIR")
    return Path(env) if env else REPO.parent / "shared" / "news"


def norm_name(name: str | None) -> str | None:
    if name is None:
        return None
    n = name.strip().replace("\u2019", "'")
    prev = None
    while prev != n:
        prev = n
        n = _HONORIFIC.sub("", n)
    n = re.sub(r"'s\b", "", n)
    n = re.sub(r"\s*\([^)]*\)", "", n)
    return " ".join(n.lower().split())


def speaker_matches(extracted: str | None, gold: list[str | None]) -> bool:
    e = norm_name(extracted)
    for g in gold:
        gn = norm_name(g)
        if e == gn:
            return True
        if e and gn and (e.split()[-1] == gn or gn.split()[-1] == e) and (" " not in e or " " not in gn):
            return True
    return False


@dataclass
class Score:
    gold: int = 0
    found: int = 0
    extracted: int = 0
    extracted_ok: int = 0
    speaker_ok: int = 0
    stance_ok: int = 0
    numbers: int = 0
    numbers_ok: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: "Score") -> None:
        for f in ("gold", "found", "extracted", "extracted_ok", "speaker_ok", "stance_ok", "numbers", "numbers_ok"):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        self.misses.extend(other.misses)

    def ratios(self) -> dict[str, float]:
        def r(a: int, b: int) -> float:
            return a / b if b else 1.0

        return {
            "precision": r(self.extracted_ok, self.extracted),
            "recall": r(self.found, self.gold),
            "speaker": r(self.speaker_ok, self.found),
            "stance": r(self.stance_ok, self.found),
            "quantities": r(self.numbers_ok, self.numbers),
        }


def score_file(gold_path: Path, ndir: Path) -> tuple[str, Score]:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    raw = (ndir / gold["file"]).read_text(encoding="utf-8")
    ex = extract(raw)
    body = ex.document.text
    sc = Score()
    spans = []
    for g in gold["claims"]:
        s = body.find(g["quote"])
        if s < 0:
            raise SystemExit(f"{gold['file']}: gold quote not in body: {g['quote']!r}")
        spans.append((s, s + len(g["quote"])))
    for c in ex.claims:
        sc.extracted += 1
        if any(c.start < e and s < c.end for s, e in spans):
            sc.extracted_ok += 1
        else:
            sc.misses.append(f"  FP  {gold['file'][:3]} {c.text[:110]!r}")
    for g, (s, e) in zip(gold["claims"], spans):
        sc.gold += 1
        hits = [c for c in ex.claims if c.start < e and s < c.end]
        sc.numbers += len(g["numbers"])
        if not hits:
            sc.misses.append(f"  MISS {gold['file'][:3]} {g['quote'][:110]!r}")
            continue
        sc.found += 1
        c = hits[0]
        if speaker_matches(c.speaker, g["speaker"]):
            sc.speaker_ok += 1
        else:
            sc.misses.append(f"  SPK  {gold['file'][:3]} got {c.speaker!r} want {g['speaker']} | {g['quote'][:70]!r}")
        if c.stance.value == g["stance"]:
            sc.stance_ok += 1
        else:
            sc.misses.append(f"  STN  {gold['file'][:3]} got {c.stance.value} | {c.proposition[:90]!r}")
        values = [q.value for h in hits for q in h.quantities]
        for n in g["numbers"]:
            if any(abs(v - n) <= 1e-6 * max(1.0, abs(n)) for v in values):
                sc.numbers_ok += 1
            else:
                sc.misses.append(f"  NUM  {gold['file'][:3]} want {n} got {values} | {g['quote'][:60]!r}")
    return gold["split"], sc


_CREDIT = re.compile(r"\b(?:photo|image|photograph|credit|pictured)\b\s*[:]|/(?:AP|Getty Images)\b|\bPhoto via\b|^\(.*\)$|^By [A-Z]\w+(?: [A-Z]\w+){0,3}$")


def caption_count(ndir: Path) -> int:
    """Candidates taken from caption/credit/byline/dateline lines (must be 0)."""
    ex = extract(CAPTION_SUITE)
    bad = len(ex.claims) - sum(1 for c in ex.claims if c.text.startswith(("The regional governor", "Officials did not")))
    for path in sorted(ndir.glob("*.txt")):
        for c in extract(path.read_text(encoding="utf-8")).claims:
            if _CREDIT.search(c.text):
                bad += 1
    return bad


def speed(ndir: Path, min_seconds: float = 2.0) -> tuple[float, int, float]:
    """Sentences per second of ``extract`` over all articles, repeated for at least ``min_seconds``."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(ndir.glob("*.txt"))]
    per_pass = sum(len(split_sentences(extract(t).document.text)) for t in texts)
    sentences = 0
    t0 = time.perf_counter()
    while True:
        for t in texts:
            extract(t)
        sentences += per_pass
        elapsed = time.perf_counter() - t0
        if elapsed >= min_seconds:
            return sentences / elapsed, sentences, elapsed


def evaluate(ndir: Path) -> dict[str, Score]:
    """Scores per split named in the gold files (sorted, tuned-on splits first), then ``POOLED``.

    ``POOLED`` adds up the tuned-on splits only: a blind split is never mixed into it.
    """
    by_split: dict[str, Score] = {}
    for path in sorted(GOLD_DIR.glob("*.json")):
        split, sc = score_file(path, ndir)
        by_split.setdefault(split, Score()).add(sc)
    order = [s for s in TUNED_SPLITS if s in by_split] + sorted(set(by_split) - set(TUNED_SPLITS))
    scores = {split: by_split[split] for split in order}
    pooled = Score()
    for split in TUNED_SPLITS:
        if split in by_split:
            pooled.add(by_split[split])
    scores[POOLED] = pooled
    return scores


def article_counts() -> dict[str, int]:
    """Gold articles per split, and in ``POOLED``."""
    counts: dict[str, int] = {}
    for path in GOLD_DIR.glob("*.json"):
        split = json.loads(path.read_text(encoding="utf-8"))["split"]
        counts[split] = counts.get(split, 0) + 1
    counts[POOLED] = sum(counts.get(s, 0) for s in TUNED_SPLITS)
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--news-dir")
    ap.add_argument("--show-misses", action="store_true", help="print the failures on the tuned-on splits (never a blind one)")
    ap.add_argument("--no-speed", action="store_true")
    args = ap.parse_args(argv)
    ndir = news_dir(args.news_dir)
    if not ndir.is_dir():
        print(f"news directory not found: {ndir}", file=sys.stderr)
        return 2
    scores = evaluate(ndir)
    captions = caption_count(ndir)
    print("| split | articles | gold claims | extracted | precision | recall | speaker acc. | stance acc. | quantity recall |")
    print("|---|---|---|---|---|---|---|---|---|")
    counts = article_counts()
    for split, sc in scores.items():
        r = sc.ratios()
        print(f"| {split} | {counts[split]} | {sc.gold} | {sc.extracted} | {r['precision']:.3f} | {r['recall']:.3f} | "
              f"{r['speaker']:.3f} | {r['stance']:.3f} | {r['quantities']:.3f} |")
    print()
    print(f"captions/credits/bylines extracted: {captions} (target 0)")
    if not args.no_speed:
        rate, n, secs = speed(ndir)
        print(f"speed: {rate:,.0f} sentences/s on one core ({n:,} sentences in {secs:.2f} s; target >= 2,000)")
    if args.show_misses:
        for split in TUNED_SPLITS:
            if split in scores:
                print(f"\n{split.upper()} failures:")
                print("\n".join(scores[split].misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
