"""Case-insensitive rules run as case-sensitive ones on lower-cased text: same answers, faster.

The triage and risk rules are long case-insensitive alternations ("urgent|asap|khẩn|…")
searched over every mail. Python's regex engine folds case character by character and,
with case folding on, cannot skip ahead to where a match could begin; the same pattern
compiled case-sensitively and run over the lower-cased text does both, two to three
times faster. `search` and `finditer` return the pattern's own matches on the original
text (found again at the positions the fast run found), so callers see no difference.

When it would not be the same, the pattern runs as written: a pattern whose own text
holds an upper-case letter (`[A-Z]`, "SCL:"), or a text holding one of the few letters
whose case the engine folds otherwise than `str.lower` (Turkish İ and ı, the long ſ,
Greek and Cyrillic variant letters, listed by `re._casefix`).

Most of these patterns are alternations of phrases, each match beginning with one of a
few dozen strings (`literals.heads` reads them off the pattern). An Aho-Corasick
automaton finds every place one of them begins in one pass of C; the engine then tries
the pattern at those places only, in order, instead of every alternative at every
position: the leftmost place where it matches is where a search would have found it.

Before that, a guarded pattern (`guard`) is searched only in a text holding one of its
words. Every rule's words are found in a text in one automaton pass (`present`), made
once for all the rules read over that text; `held` gives them for a whole mail, so that
rules read over parts of it can be skipped at once (`may_hold`).
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Final

import ahocorasick

from bot.core import literals

try:  # letters the engine holds equal beyond simple lower-casing (CPython 3.11+)
    from re._casefix import _EXTRA_CASES as _ENGINE_CASES  # type: ignore[import-not-found]

    _SPECIAL = {"\u0130"} | {chr(c) for k, v in _ENGINE_CASES.items() for c in (k, *v) if c > 0x7F}
    _UNUSUAL: re.Pattern[str] | None = re.compile(f"[{re.escape(''.join(sorted(_SPECIAL)))}]")
except ImportError:  # pragma: no cover - another Python: lower-casing is never trusted
    _UNUSUAL = None


# Patterns searched only in texts that hold one of their words (see `guard`).
_GUARDS: dict[re.Pattern[str], tuple[str, ...]] = {}
# Every guard word and every word `watch` was given: `present` finds them all in one pass.
_WATCHED: set[str] = set()


def guard(pattern: re.Pattern[str], *words: str) -> re.Pattern[str]:
    """`pattern`, from now on searched only in (lower-cased) texts holding one of `words`.

    Raises `literals.Unproven` (at import) unless every match of the pattern holds one
    of them: the pre-check can only spare work, never a match.
    """
    twin = _fast(pattern)
    if twin is not None and literals.available():
        _GUARDS[pattern] = literals.prove(twin.pattern, twin.flags, words)
        watch(*_GUARDS[pattern])
    return pattern


def watch(*words: str) -> None:
    """Words `present` reports from now on (called at import, with a rule's words)."""
    if not _WATCHED.issuperset(words):
        _WATCHED.update(words)
        _watcher.cache_clear()
        present.cache_clear()


@lru_cache(maxsize=64)
def present(low: str) -> frozenset[str]:
    """The watched words that the (lower-cased) text `low` holds.

    One pass of an automaton of them all, shared by every rule read over the same text:
    a dozen rules each asking for their few words, a string search each, cost several
    times more. (A word before the place a search starts from still counts: the answer
    only spares work, so saying "maybe" is never wrong.)
    """
    watcher = _watcher()
    return frozenset() if watcher is None else frozenset(map(_WORD, watcher.iter(low)))


def held(text: str) -> frozenset[str]:
    """The watched words `text` holds, in any case; all of them when it holds a letter the
    engine folds otherwise than `str.lower` (then no word may be ruled out)."""
    low = _lowered(text)
    return frozenset(_WATCHED) if low is None else present(low)


def may_hold(pattern: re.Pattern[str], held: frozenset[str]) -> bool:
    """Whether a text holding the watched words `held` may hold a match of `pattern`.
    (`held` of a larger text that holds this one will do: it holds those words too.)"""
    words = _GUARDS.get(pattern)
    return words is None or not held.isdisjoint(words)


_WORD: Final = operator.itemgetter(1)  # of the automaton's (end, word): in C, not a loop


@lru_cache(maxsize=1)
def _watcher() -> ahocorasick.Automaton | None:
    return _finder(tuple(sorted(_WATCHED))) if _WATCHED else None


def _may_match(pattern: re.Pattern[str], low: str) -> bool:
    return pattern not in _GUARDS or may_hold(pattern, present(low))


@lru_cache(maxsize=256)
def _finder(words: tuple[str, ...]) -> ahocorasick.Automaton:
    """An Aho-Corasick automaton of `words`: its `iter(text, pos)` gives (where one ends,
    the word) for every occurrence from `pos` on, in the order they end."""
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


def search(pattern: re.Pattern[str], text: str, pos: int = 0) -> re.Match[str] | None:
    """`pattern.search(text, pos)`, by way of the lower-cased text when that is the same."""
    fast, low = _fast(pattern), _lowered(text)
    if fast is None or low is None:
        return pattern.search(text, pos)
    found = _first(pattern, fast, low, max(pos, 0))
    if found is None:
        return None
    return _again(pattern, text, found) or pattern.search(text, pos)


def _first(
    pattern: re.Pattern[str], fast: re.Pattern[str], low: str, pos: int
) -> re.Match[str] | None:
    """`fast.search(low, pos)`: where a match may begin, when that is known."""
    places = _places(pattern, fast, low, pos)
    if places is None:
        return fast.search(low, pos)
    return next(filter(None, map(fast.match, itertools.repeat(low), places)), None)


def finditer(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)`, by way of the lower-cased text when that is the same."""
    fast, low = _fast(pattern), _lowered(text)
    if fast is None or low is None:
        return pattern.finditer(text)
    found = [_again(pattern, text, match) for match in _all(pattern, fast, low)]
    if any(match is None for match in found):  # pragma: no cover - cannot happen; stay exact
        return pattern.finditer(text)
    return iter([match for match in found if match is not None])


def starts(pattern: re.Pattern[str], text: str) -> list[int]:
    """Every place in `text` where a match of `pattern` starts, overlapping ones too."""
    fast, low = _fast(pattern), _lowered(text)
    if fast is None or low is None:
        return _starts(pattern, text)
    places = _places(pattern, fast, low, 0)
    if places is None:
        found = list(_overlapping(fast, low))
    else:
        found = [match for at in places if (match := fast.match(low, at)) is not None]
    if any(_again(pattern, text, match) is None for match in found):  # pragma: no cover
        return _starts(pattern, text)  # cannot happen; stay exact
    return [match.start() for match in found]


def _all(pattern: re.Pattern[str], fast: re.Pattern[str], low: str) -> list[re.Match[str]]:
    """`fast.finditer(low)`: each match searched for from where the one before ended."""
    places = _places(pattern, fast, low, 0)
    if places is None:
        return list(fast.finditer(low))
    found: list[re.Match[str]] = []
    for at in places:
        if (not found or at >= found[-1].end()) and (match := fast.match(low, at)):
            found.append(match)
    return found


def _places(
    pattern: re.Pattern[str], fast: re.Pattern[str], low: str, pos: int
) -> list[int] | None:
    """Where in `low`, from `pos` on, a match of `fast` may begin, in order; None: anywhere
    (none at all when the pattern's guard words are missing)."""
    if not _may_match(pattern, low):
        return []
    heads = _heads(fast)
    if heads is None:
        return None
    if len(heads) <= _FEW_HEADS:
        return sorted({at for head in heads for at in occurrences(low, head, pos)})
    return sorted({end - len(head) + 1 for end, head in _finder(heads).iter(low, pos)})


# Up to this many, a string search each costs less than a pass of the automaton.
_FEW_HEADS = 6


def occurrences(text: str, word: str, pos: int = 0) -> Iterator[int]:
    """Where `word` begins in `text` from `pos` on, overlapping ones too, in order."""
    at = text.find(word, pos)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)


@lru_cache(maxsize=256)
def _heads(fast: re.Pattern[str]) -> tuple[str, ...] | None:
    """The strings every match of `fast` begins with, if there are such."""
    return literals.heads(fast.pattern, fast.flags) if literals.available() else None


def _starts(pattern: re.Pattern[str], text: str) -> list[int]:
    return [match.start() for match in _overlapping(pattern, text)]


def _overlapping(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The match starting at each place one does, searched from one past the last start
    (a search from past the end starts at the end again: one that may be empty stops)."""
    match = pattern.search(text)
    while match is not None:
        yield match
        if match.start() >= len(text):
            return
        match = pattern.search(text, match.start() + 1)


def _again(pattern: re.Pattern[str], text: str, fast: re.Match[str]) -> re.Match[str] | None:
    """The pattern's own match where the fast run found one (it looks behind as before)."""
    match = pattern.match(text, fast.start())
    return match if match is not None and match.span() == fast.span() else None


@lru_cache(maxsize=256)
def _fast(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """The case-sensitive twin of a case-insensitive pattern written in lower case."""
    if not pattern.flags & re.IGNORECASE or _UNUSUAL is None:
        return None
    if _has_capitals(pattern.pattern) or _UNUSUAL.search(pattern.pattern):
        return None
    if _CASE_KEPT.search(pattern.pattern):  # "(?-i:b)" would match "B" in the lowered text
        return None
    twin = re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)
    return None if twin.flags & re.IGNORECASE else twin  # an inline (?i) keeps it folding


# A group that turns case-folding off: "(?-i:…)", "(?s-i:…)". (A false alarm, an escaped
# parenthesis followed by "?-i:", only means that the pattern runs as written.)
_CASE_KEPT = re.compile(r"\(\?[aiLmsux]*-[imsx]*i[imsx]*:")


def _has_capitals(source: str) -> bool:
    """An upper-case letter outside an escape (\\W, \\S, \\D, \\B, \\A, \\Z stay as they are)
    and outside the syntax of named groups, "(?P<name>" and "(?P=name)"."""
    escaped = False
    for char in source.replace("(?P<", "(?<").replace("(?P=", "(?="):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char != char.lower():
            return True
    return False


@lru_cache(maxsize=64)
def _lowered(text: str) -> str | None:
    """`text` lower-cased letter for letter, or None when that differs from the engine's folding."""
    if _UNUSUAL is None or (not text.isascii() and _UNUSUAL.search(text)):
        return None  # (every such letter is outside ASCII: most texts need no search)
    low = text.lower()
    return low if len(low) == len(text) else None
