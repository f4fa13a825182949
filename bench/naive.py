"""The naive ``match`` a CLI without an index would be: load every stored claim, brute-force them.

``FACTDB_DATABASE_URL=... python -m bench.naive "some sentence"`` prints the top 5 as JSON lines.
The benchmarks run it as a subprocess beside ``factdb match`` to compare wall time and peak RSS.
"""

from __future__ import annotations

import json
import sys

from rapidfuzz import fuzz, process
from sqlalchemy import select

from factdb.normalize import normalize_claim, split_polarity
from factdb.store import open_store
from factdb.store.schema import Claim


def main(argv: list[str] | None = None) -> None:
    text = (argv if argv is not None else sys.argv[1:])[0]
    claims = Claim.__table__
    with open_store() as store, store.read() as session:
        rows = session.execute(
            select(claims.c.id, claims.c.normalized).where(claims.c.merged_into_id.is_(None))
        ).all()
    ids = [r[0] for r in rows]
    query = normalize_claim(split_polarity(text)[0]).text
    for _, score, i in process.extract(query, [r[1] for r in rows], scorer=fuzz.token_set_ratio, processor=None, limit=5):
        print(json.dumps({"id": ids[i], "score": round(score, 1)}))


if __name__ == "__main__":
    main()
