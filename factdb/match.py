"""Find the stored claims a new claim matches: retrieval by rare terms, rapidfuzz rescoring, relation.

:func:`find_matches` never scans every claim.  It

1. looks up the document frequency of the query's terms and keeps the ``k_terms`` rarest that
   occur in at most ``max_df`` of the claims;
2. fetches their postings (at most ``posting_cap`` claim ids per term, the newest) and keeps a
   shortlist of at most ``shortlist`` claims by the idf of the terms they share with the query;
3. rescores the shortlist with BM25 over all the query's known terms and with rapidfuzz
   :func:`~factdb.relate.similarity`, combines the two into ``Match.score`` and decides each
   candidate's relation with :func:`~factdb.relate.relate`.

The store serves the same protocol (:class:`~factdb.models.ClaimIndex`) from its ``terms`` and
``posting_blocks`` tables; :class:`InMemoryIndex` serves it from dicts for tests and benchmarks.

Cost per query: at most ``k_terms * posting_cap`` (12 * 500) postings summed with numpy, the tokens
of <= 150 candidates read for one BM25 pass and one ``rapidfuzz.process.extract``, and ``limit`` of
them read whole for ``relate``.
A term found in more than 500 claims contributes only its 500 newest (a recency bias, measured
harmless on CheckThat! 2020: MAP@5 unchanged from a cap of 2000; it halves the time at 1M claims).
A shortlist of 150 rather than 300 (bench, 2026-11-26): CheckThat! 2020 MAP@5 0.853 vs 0.852 on
train+dev and 0.904 vs 0.904 on test; recall@10 against brute force at 1M stored claims unchanged
(0.977 of close hits); 1.8x faster at 1M.

>>> from factdb.normalize import normalize_claim as nc
>>> index = InMemoryIndex()
>>> index.add(1, "Putin rejected the US peace plan", nc("Putin rejected the US peace plan"))
>>> index.add(2, "Zelensky accepted the EU trade deal", nc("Zelensky accepted the EU trade deal"))
>>> matches = find_matches(nc("Putin had rejected the US peace plan"), index)
>>> [(m.claim_id, m.relation.value, m.reason) for m in matches]
[(1, 'same_as', 'same proposition')]
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process

from factdb.models import ClaimIndex, Match, NormalizedClaim, RelationKind, Stance, StoredClaimView
from factdb.relate import claim_string, relate

__all__ = ["LEXICAL_WEIGHT", "InMemoryIndex", "find_matches"]

LEXICAL_WEIGHT = 0.85
"""Weight of the BM25 score in ``Match.score`` (the rest is rapidfuzz similarity / 100).  BM25 is
divided by the score a claim worded as the query would get, so a restated claim scores near 1.
Tuned by ``bench/calibrate.py`` (2026-11-26) on CheckThat! 2020 train+dev: MAP@5 0.852 at 0.85 and
0.9, 0.848 at 1.0 (BM25 alone), 0.832 at 0.5."""

MIN_DF_CUTOFF = 100
"""Terms in at most this many claims are never skipped as common (cheap, and a small store has no
other terms)."""

BM25_K1 = 1.2
BM25_B = 0.75


class InMemoryIndex:
    """A :class:`~factdb.models.ClaimIndex` held in dicts: term -> claim ids, claim id -> claim."""

    def __init__(self) -> None:
        self._claims: dict[int, StoredClaimView] = {}
        self._postings: dict[str, list[int]] = {}

    def add(self, claim_id: int, proposition: str, normalized: NormalizedClaim) -> None:
        """Index a claim under its distinct tokens (a claim id is added once)."""
        if claim_id in self._claims:
            raise ValueError(f"claim {claim_id} is already indexed")
        self._claims[claim_id] = StoredClaimView(claim_id, proposition, normalized)
        for term in dict.fromkeys(normalized.tokens):
            self._postings.setdefault(term, []).append(claim_id)

    def claim_count(self) -> int:
        return len(self._claims)

    def document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        return {t: len(self._postings[t]) for t in terms if t in self._postings}

    def postings(self, terms: Sequence[str], *, limit_per_term: int) -> dict[str, list[int]]:
        # Newest first: claims were appended in id order.
        return {t: self._postings[t][: -limit_per_term - 1 : -1] for t in terms if t in self._postings}

    def claim_tokens(self, claim_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        return {i: self._claims[i].normalized.tokens for i in sorted(set(claim_ids)) if i in self._claims}

    def claims(self, claim_ids: Sequence[int]) -> list[StoredClaimView]:
        return [self._claims[i] for i in sorted(set(claim_ids)) if i in self._claims]


def find_matches(
    query: NormalizedClaim,
    index: ClaimIndex,
    *,
    limit: int = 10,
    stance: Stance = Stance.AFFIRMS,
    k_terms: int = 12,
    max_df: float = 0.1,
    posting_cap: int = 500,
    shortlist: int = 150,
) -> list[Match]:
    """The stored claims most like ``query``, best first, each with its relation and a reason.

    ``stance`` is the query's stance toward its proposition when it came from raw text
    (:func:`factdb.normalize.split_polarity`): with DENIES a SAME_AS match reads "same proposition,
    opposite stance" (the store records the conflict of stances), and a numeric or antonym
    contradiction becomes RELATED ("did not accept the plan" does not contradict "rejected it").
    Relations ignore time here: ingest turns a later, higher figure into UPDATES with
    :func:`factdb.relate.numeric_change` or ``relate(..., a_time=, b_time=)``.
    ``k_terms``, ``max_df``, ``posting_cap`` and ``shortlist`` bound the
    retrieval work (see the module docstring); the defaults are those the benchmarks report.
    """
    terms = list(dict.fromkeys(query.tokens))
    n_claims = index.claim_count()
    if not terms or n_claims == 0:
        return []
    df = index.document_frequencies(terms)
    idf = {t: math.log(1 + (n_claims - d + 0.5) / (d + 0.5)) for t, d in df.items()}
    cutoff = max(max_df * n_claims, MIN_DF_CUTOFF)
    rare = sorted((t for t in df if df[t] <= cutoff), key=lambda t: (df[t], t))[:k_terms]
    if not rare:  # only very common terms: fall back to the rarest of them
        rare = sorted(df, key=lambda t: (df[t], t))[:k_terms]
    postings = index.postings(rare, limit_per_term=posting_cap)
    best = _first_pass(postings, idf, shortlist)
    if not best:
        return []
    tokens = index.claim_tokens(best)  # the shortlist is ranked on its tokens alone
    if not tokens:
        return []
    ids = list(tokens)
    lexical, own = _bm25(terms, idf, list(tokens.values()), query.tokens)
    top = max(*lexical, own) or 1.0  # a stored claim worded as the query scores 1
    sims = [0.0] * len(ids)
    for _, sim, i in process.extract(
        claim_string(query), [" ".join(t) for t in tokens.values()],
        scorer=fuzz.token_sort_ratio, processor=None, limit=None,
    ):  # fmt: skip
        sims[i] = sim
    ranked = sorted(
        (
            (LEXICAL_WEIGHT * lex / top + (1 - LEXICAL_WEIGHT) * sim / 100.0, float(sim), claim_id)
            for lex, sim, claim_id in zip(lexical, sims, ids, strict=True)
        ),
        key=lambda r: (-r[0], r[2]),  # ties: the older claim, which later duplicates join
    )[:limit]
    views = {view.claim_id: view for view in index.claims([claim_id for _, _, claim_id in ranked])}
    ranked = [(score, sim, views[claim_id]) for score, sim, claim_id in ranked if claim_id in views]
    matches = []
    for score, sim, view in ranked:
        rel = relate(query, view.normalized, sim)
        kind, reason, contradiction = rel.kind or RelationKind.RELATED, rel.reason, rel.contradiction
        if stance is Stance.DENIES:
            if kind is RelationKind.SAME_AS:
                reason = "same proposition, opposite stance"
            elif kind is RelationKind.CONTRADICTS:
                # "did not accept" vs "rejected", "did not kill 45" vs "killed 40": no contradiction.
                kind, reason, contradiction = RelationKind.RELATED, f"{reason}, opposite stance", None
        matches.append(Match(view.claim_id, round(score, 4), kind, reason, contradiction))
    return matches


def _first_pass(postings: dict[str, Sequence[int]], idf: dict[str, float], shortlist: int) -> list[int]:
    """The ``shortlist`` claims with the highest sum of the idf of the query terms they are posted
    under; ties go to the claim seen first (the rarest term's newest claims come first)."""
    lists = [ids for ids in postings.values() if len(ids)]
    if not lists:
        return []
    claim_ids = np.concatenate([np.asarray(ids, dtype=np.int64) for ids in lists])
    weights = np.repeat([idf[t] for t, ids in postings.items() if len(ids)], [len(ids) for ids in lists])
    # bincount adds each claim's weights in the order of the lists: the same floats as summing
    # term after term in Python.
    distinct, first_seen, slot = np.unique(claim_ids, return_index=True, return_inverse=True)
    totals = np.bincount(slot, weights=weights)
    order = np.lexsort((first_seen, -totals))[:shortlist]
    return distinct[order].tolist()


def _bm25(
    terms: Sequence[str], idf: dict[str, float], candidates: Sequence[Sequence[str]], query_tokens: Sequence[str]
) -> tuple[list[float], float]:
    """BM25 of each candidate (its tokens) for the query terms, and of a claim worded as the query
    itself (average length taken over the candidates)."""
    lengths = [len(tokens) or 1 for tokens in candidates]
    avgdl = sum(lengths) / len(lengths)
    known = [t for t in terms if t in idf]
    wanted = set(known)

    def score(tokens: Sequence[str]) -> float:
        shared = wanted.intersection(tokens)  # most candidates share a few of the query's terms
        if not shared:
            return 0
        norm = BM25_K1 * (1 - BM25_B + BM25_B * (len(tokens) or 1) / avgdl)
        total = 0
        for t in known:  # in the query's order, as a sum over it (the same float)
            if t in shared:
                tf = tokens.count(t)
                total += idf[t] * tf * (BM25_K1 + 1) / (tf + norm)
        return total

    return [score(tokens) for tokens in candidates], score(query_tokens)
