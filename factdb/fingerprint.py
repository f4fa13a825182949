"""Near-duplicate detection for whole sources: the same wire story republished by two outlets.

A 64-bit SimHash over word 3-shingles; copies of one story differ in a few bits, unrelated texts
in about half of them.  Pure, no I/O.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

_WORD = re.compile(r"\w+", re.UNICODE)
#: Two sources whose fingerprints differ in at most this many bits are copies of one story.
SAME_STORY_MAX_BITS = 10


def fingerprint(text: str) -> int:
    """A signed 64-bit SimHash of ``text`` (signed so that it fits a SQL BIGINT)."""
    words = [w.lower() for w in _WORD.findall(text)]
    shingles = [" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))] if words else [""]
    digests = b"".join(hashlib.blake2b(shingle.encode(), digest_size=8).digest() for shingle in shingles)
    hashes = np.frombuffer(digests, dtype=">u8")
    # Per bit: +1 for each shingle hash with the bit set, -1 for each without (counted with numpy:
    # the bit loop in Python cost ~8 ms for a 600-word article).
    ones = ((hashes[:, None] >> np.arange(64, dtype=np.uint64)) & np.uint64(1)).sum(axis=0)
    weights = 2 * ones.astype(np.int64) - len(shingles)
    value = sum(1 << bit for bit in range(64) if weights[bit] > 0)
    return value - (1 << 64) if value >= 1 << 63 else value


def differing_bits(a: int, b: int) -> int:
    """How many bits two fingerprints differ in."""
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()


def same_story(a: int, b: int) -> bool:
    """True when two sources are copies of one story."""
    return differing_bits(a, b) <= SAME_STORY_MAX_BITS
