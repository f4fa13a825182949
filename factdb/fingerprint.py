"""Near-duplicate detection for whole sources: the same wire story republished by two outlets.

A 64-bit SimHash over word 3-shingles; copies of one story differ in a few bits, unrelated texts
in about half of them.  Pure, no I/O.
"""

from __future__ import annotations

import hashlib
import re

_WORD = re.compile(r"\w+", re.UNICODE)
#: Two sources whose fingerprints differ in at most this many bits are copies of one story.
SAME_STORY_MAX_BITS = 10


def fingerprint(text: str) -> int:
    """A signed 64-bit SimHash of ``text`` (signed so that it fits a SQL BIGINT)."""
    words = [w.lower() for w in _WORD.findall(text)]
    shingles = [" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))] if words else [""]
    weights = [0] * 64
    for shingle in shingles:
        h = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if h >> bit & 1 else -1
    value = sum(1 << bit for bit in range(64) if weights[bit] > 0)
    return value - (1 << 64) if value >= 1 << 63 else value


def differing_bits(a: int, b: int) -> int:
    """How many bits two fingerprints differ in."""
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()


def same_story(a: int, b: int) -> bool:
    """True when two sources are copies of one story."""
    return differing_bits(a, b) <= SAME_STORY_MAX_BITS
