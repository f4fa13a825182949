"""Loaders for the public datasets in ``$FACTDB_DATA_DIR`` (default ``<repo>/../shared/data``).

Read-only; nothing is copied into the repository.  Each loader returns plain tuples.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Where the datasets are: ``$FACTDB_DATA_DIR`` or ``<repo>/../shared/data``."""
    return Path(os.environ.get("FACTDB_DATA_DIR") or REPO.parent / "shared" / "data")


def mrpc(split: str) -> list[tuple[int, str, str]]:
    """MRPC pairs ``(quality, sentence1, sentence2)``; ``split`` is ``train`` or ``test``."""
    path = data_dir() / "mrpc" / f"msr_paraphrase_{split}.txt"
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(rows)
        # MRPC writes a double quote as "<QUOTE>": give the sentences their quotes back.
        return [(int(r[0]), _unquote(r[3]), _unquote(r[4])) for r in rows if len(r) >= 5]


def _unquote(sentence: str) -> str:
    return sentence.replace("<QUOTE>", '"')


def sick(sets: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """SICK pairs ``(label, sentence_a, sentence_b)`` whose ``SemEval_set`` is in ``sets``."""
    path = data_dir() / "sick" / "SICK.txt"
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            (r["entailment_label"], r["sentence_A"], r["sentence_B"])
            for r in rows
            if r["SemEval_set"] in sets
        ]


def checkthat2020_claims() -> dict[int, tuple[str, str]]:
    """The 10,375 verified claims of CheckThat! 2020 Task 2: ``{id: (claim, title)}``."""
    path = data_dir() / "clef2020-checkthat-task2-en" / "verified_claims.docs.tsv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t")  # quoted fields contain newlines
        next(rows)
        return {int(r[0]): (r[1], r[2]) for r in rows if r and r[0].strip().isdigit()}


def checkthat2020_queries(split: str) -> tuple[dict[int, str], dict[int, set[int]]]:
    """Tweets ``{tweet_id: text}`` and gold ``{tweet_id: {vclaim_id}}`` of ``train``/``dev``/``test``."""
    base = data_dir() / "clef2020-checkthat-task2-en" / split
    with (base / "tweets.queries.tsv").open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t")
        next(rows)
        tweets = {int(r[0]): r[1] for r in rows if r and r[0].strip().isdigit()}
    gold: dict[int, set[int]] = {}
    for line in (base / "tweet-vclaim-pairs.qrels").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] != "0":
            gold.setdefault(int(parts[0]), set()).add(int(parts[2]))
    return tweets, gold


def liar_statements() -> list[str]:
    """The statements of LIAR (train, valid, test), as written."""
    out: list[str] = []
    for name in ("train.tsv", "valid.tsv", "test.tsv"):
        path = data_dir() / "liar" / name
        if path.exists():
            with path.open(encoding="utf-8", newline="") as f:
                out.extend(r[2] for r in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if len(r) > 2)
    return out


def checkthat2021_claims() -> list[str]:
    """Claim texts of CheckThat! 2021 2A (Snopes) and 2B (PolitiFact)."""
    import json

    out: list[str] = []
    base = data_dir() / "clef2021-checkthat-task2"
    for path in (
        base / "2a-english" / "vclaims.jsonl",
        base / "2b-english" / "politifact_vclaims_notext.jsonl",
    ):
        with path.open(encoding="utf-8") as f:
            out.extend(json.loads(line).get("vclaim", "") for line in f if line.strip())
    return [c for c in out if c]


def checkthat2021_2a() -> tuple[dict[str, tuple[str, str]], dict[str, str], dict[str, set[str]]]:
    """CheckThat! 2021 2A test: claims ``{vclaim_id: (claim, title)}``, tweets, gold pairs."""
    import json

    base = data_dir() / "clef2021-checkthat-task2" / "2a-english"
    claims: dict[str, tuple[str, str]] = {}
    with (base / "vclaims.jsonl").open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                claims[row["vclaim_id"]] = (row.get("vclaim", ""), row.get("title", ""))
    with (base / "tweets-test.tsv").open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t")
        next(rows)
        tweets = {r[0]: r[1] for r in rows if len(r) >= 2}
    gold: dict[str, set[str]] = {}
    for line in (base / "qrels-test.tsv").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 4 and parts[3].strip() != "0":
            gold.setdefault(parts[0], set()).add(parts[2])
    return claims, tweets, gold
