"""Case-insensitive rules run on lower-cased text give the pattern's own matches."""

from __future__ import annotations

import re

import pytest

from bot.core import cues, folded, lures

PATTERNS = [
    cues.URGENT.plain,
    cues.DEADLINE.plain,
    lures._GIVE_SECRET,
    lures._WINDFALL,
    re.compile(r"(?<!\w)(?:ship|sky|kin)(?!\w)", re.IGNORECASE),
]
TEXTS = [
    "URGENT: please send it by Friday 3pm",
    "Enter your PASSWORD and OTP here",
    "The late husband left 10 MILLION DOLLARS with a security company",
    "ſhip it to the ſky",  # the long s, which the engine folds into "s"
    "Kin and KIN and \u212ain",  # the Kelvin sign folds into "k" both ways
    "İstanbul office, sky",  # dotted capital I: lower-casing it adds a letter
    "nothing to see here",
    "",
]


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.pattern[:24])
def test_search_finds_what_the_pattern_finds(pattern: re.Pattern[str]) -> None:
    """search returns the same match (span and text as written) as pattern.search."""
    expected = [(m.span(), m.group()) if (m := pattern.search(t)) else None for t in TEXTS]
    actual = [(m.span(), m.group()) if (m := folded.search(pattern, t)) else None for t in TEXTS]
    assert expected == actual


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.pattern[:24])
def test_finditer_finds_every_match_the_pattern_finds(pattern: re.Pattern[str]) -> None:
    """finditer returns the same matches, groups included, as pattern.finditer."""
    expected = [[(m.span(), m.lastgroup) for m in pattern.finditer(t)] for t in TEXTS]
    actual = [[(m.span(), m.lastgroup) for m in folded.finditer(pattern, t)] for t in TEXTS]
    assert expected == actual


def test_long_s_is_matched_as_the_engine_folds_it() -> None:
    """A text with ſ still matches "ship" (it is run through the pattern as written)."""
    pattern = re.compile(r"ship", re.IGNORECASE)
    assert "ſhip" == folded.search(pattern, "a ſhip").group()  # type: ignore[union-attr]


def test_a_pattern_with_capitals_is_run_as_written() -> None:
    """A class like [A-Z] would mean something else on lower-cased text: no fast twin."""
    assert (None, None) == (
        folded._fast(re.compile(r"SCL:\d", re.IGNORECASE)),
        folded._fast(re.compile(r"[A-Z]+", re.IGNORECASE)),
    )
