"""Synthetic news for the reliability tests: sources whose stored result does not depend on order.

Every sentence states a proposition made of invented words, so two different sentences never
look alike to the matcher, and a sentence repeated in another source is the same claim exactly.
Some sources deny a proposition another affirms (a polarity contradiction, whichever comes
first).  So adding the sources serially in any order, or concurrently, must give the same
claims, mentions and statuses: :func:`store_signature` is what the tests compare.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from factdb.store import Store
from factdb.store.schema import Claim, ClaimRelation, Mention, Source

#: ``factdb`` as a real process of this interpreter (works without the console script on PATH).
FACTDB = [sys.executable, "-c", "from factdb.cli.app import main; main()"]

_SYLLABLES = "ka lo mir ten vos ul dra pen sik ro ba zet quo fin gar hel jor nix tal wey bru cas dov esk".split()
_TEMPLATES = (
    "The {A} council approved the {b} plan for {C} on Monday, officials said.",
    "Engineers from {A} finished repairing the {b} bridge near {C}, the ministry said.",
    "{A} Hydro postponed the {b} inspection at {C} until next spring.",
    "Police in {A} arrested two {b} traders accused of smuggling {c} cargo.",
    "Farmers in {A} reported that the {b} harvest had failed because of {c} blight.",
    "The {A} court ordered the release of the {b} documents about {C}.",
    "Health officials in {A} confirmed an outbreak of {b} fever in {C}.",
    "The {A} navy intercepted a {b} freighter off the coast of {C}.",
)
_DENIAL = "{speaker} denied that {proposition}."


@dataclass(frozen=True)
class Corpus:
    """Source texts (with a header) and the propositions they state."""

    texts: list[str]
    pool: list[str]

    def write(self, folder: Path) -> list[Path]:
        """One ``.txt`` file per source in ``folder``; returns the paths in source order."""
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for i, text in enumerate(self.texts):
            path = folder / f"{i:04d}.txt"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        return paths


def _words(rng: random.Random, used: set[str]) -> str:
    while True:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(3, 4)))
        if word not in used:
            used.add(word)
            return word


def make_corpus(*, sources: int, per_source: int, pool_size: int, seed: int, denials: int = 0) -> Corpus:
    """``sources`` texts of ``per_source`` sentences drawn from ``pool_size`` distinct propositions.

    ``denials`` sources also deny one pool proposition (spoken as "X denied that ...").
    """
    rng = random.Random(seed)
    used: set[str] = set()
    pool = []
    for i in range(pool_size):
        template = _TEMPLATES[i % len(_TEMPLATES)]
        pool.append(
            template.format(A=_words(rng, used).capitalize(), b=_words(rng, used), c=_words(rng, used),
                            C=_words(rng, used).capitalize())
        )
    day = date(2026, 3, 1)
    texts = []
    for i in range(sources):
        chosen = rng.sample(pool, per_source)
        body = list(chosen)
        if i < denials:
            denied = rng.choice([p for p in pool if p.startswith("The ")])
            proposition = "the" + denied[3:].split(",")[0].rstrip(".")
            body.append(_DENIAL.format(speaker="Mayor Lina Brusk", proposition=proposition))
        published = day + timedelta(days=i % 20)
        header = f"outlet: Outlet {i % 7}\npublished: {published.isoformat()}\ntitle: Report {i}\n\n"
        texts.append(header + "\n\n".join(body) + "\n")
    return Corpus(texts=texts, pool=pool)


def store_signature(store: Store) -> dict:
    """What must not depend on the order or concurrency of adds: sources, claims with their
    status and mentions (by source text hash and stance), and the row counts."""
    sources, claims, mentions, relations = Source.__table__, Claim.__table__, Mention.__table__, ClaimRelation.__table__
    with store.read() as session:
        rows = session.execute(
            select(claims.c.key, claims.c.status, sources.c.content_hash, mentions.c.stance)
            .join(mentions, mentions.c.claim_id == claims.c.id)
            .join(sources, sources.c.id == mentions.c.source_id)
        ).all()
        by_claim: dict[str, list] = {}
        status: dict[str, str | None] = {}
        for key, claim_status, digest, stance in rows:
            by_claim.setdefault(key, []).append((digest, stance))
            status[key] = claim_status
        return {
            "sources": sorted(session.execute(select(sources.c.content_hash)).scalars()),
            "claims": {key: (status[key], sorted(found)) for key, found in by_claim.items()},
            "claim_rows": session.execute(select(func.count()).select_from(claims)).scalar(),
            "mention_rows": session.execute(select(func.count()).select_from(mentions)).scalar(),
            "relations": dict(Counter(
                session.execute(select(relations.c.kind, relations.c.contradiction)).all()
            )),
        }


def run_factdb(*args: str, db: str, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    """Run ``factdb --db DB ARGS...`` to completion; text output captured."""
    return subprocess.run(
        [*FACTDB, "--db", db, *args], capture_output=True, text=True, timeout=timeout, **kwargs
    )


def start_factdb(*args: str, db: str, **kwargs) -> subprocess.Popen:
    """Start ``factdb --db DB ARGS...`` in its own process group (so a kill takes its workers too)."""
    return subprocess.Popen(
        [*FACTDB, "--db", db, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True, **kwargs,
    )


def kill_group(process: subprocess.Popen) -> None:
    """``kill -9`` the process and everything it started."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate()
