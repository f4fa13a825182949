"""factdb: track factual claims across news sources.

Turn reports into claims (who said what, affirming or denying, with what numbers), match each
claim against the claims already stored, and track every claim's status over time.

The public API, by pipeline stage (imported on first use, so the pure text stages never pull in
the database layer)::

    from factdb import extract_claims, normalize_claim, find_matches  # pure text stages
    from factdb import open_store, add_document, add_sources          # the store and ingest
    from factdb import list_contradictions, claim_history, match_text # queries
    from factdb import review_claim, merge_claims, unmerge_claim      # curation

>>> from factdb import extract_claims, parse_document
>>> text = '"It was not correct to say that Mr Putin had rejected the plan," Peskov said.'
>>> claim = extract_claims(parse_document(text)).claims[0]
>>> claim.proposition, claim.stance.value, claim.speaker
('Putin had rejected the plan', 'denies', 'Peskov')
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# Functions named like their module (extract, relate) are not re-exported: `factdb.extract` is the module.
_EXPORTS = {
    "extract_claims": "factdb.extract",
    "parse_document": "factdb.extract",
    "normalize_claim": "factdb.normalize",
    "split_polarity": "factdb.normalize",
    "find_matches": "factdb.match",
    "InMemoryIndex": "factdb.match",
    "status_at": "factdb.track",
    "status_timeline": "factdb.track",
    "iter_sources": "factdb.sources",
    "open_store": "factdb.store",
    "Store": "factdb.store",
    "add_document": "factdb.ingest",
    "add_sources": "factdb.ingest",
    "claim_history": "factdb.queries",
    "iter_histories": "factdb.queries",
    "list_claims": "factdb.queries",
    "list_contradictions": "factdb.queries",
    "list_sources": "factdb.queries",
    "match_text": "factdb.queries",
    "store_stats": "factdb.queries",
    "review_claim": "factdb.curate",
    "merge_claims": "factdb.curate",
    "unmerge_claim": "factdb.curate",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'factdb' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
