"""The bundled sample sources (samples/articles): paths and the sentences their README promises."""

from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "articles"

TOLL_14 = "At least 14 people were killed when the Velmira Dam gave way early on Saturday"
TOLL_31 = "At least 31 people were killed when the Velmira Dam gave way early on Saturday"
IGNORED_WARNINGS = "Corvath Hydro ignored repeated safety warnings about the dam"
COUNCIL_APPROVED = "The regional council approved the compensation plan for displaced families on Monday"
COUNCIL_REJECTED = "The regional council rejected the compensation plan for displaced families on Monday"
HOUSES_DESTROYED = "The flood wave destroyed 40 houses in the village of Pelin"
SHELTERS = "Army engineers set up 40 temporary shelters in the village of Pelin"
EVACUATED = "2,300 residents had been evacuated from Pelin, Sorvik and Dunrask since Saturday"


def text_samples() -> list[Path]:
    """The plain-text sample articles, in publication order."""
    return sorted(SAMPLES.glob("*.txt"))
