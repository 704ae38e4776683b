"""What every match of a pattern must hold, read off its syntax tree: for cheap pre-checks.

Two questions, both answered from the pattern itself:

- `prove`: does every match contain one of these words? (`folded.guard`'s words.)
- `heads`: which strings does every match begin with? (`folded` then looks for those
  in one pass of a multi-word automaton and tries the pattern only where one begins.)

The triage and risk rules run long alternations over every mail, and most mail holds
none of their phrases. Testing a few words with `in` first (C string searches) rules
most of it out far quicker than the regular-expression engine, which tries every
alternative at every position. `folded.guard` attaches such words to a pattern; this
module proves at import that they are a sound pre-check (no text without one of them
can hold a match), so a rule never loses a match to a word list that drifted from its
pattern.

The proof reads the pattern's syntax tree (the standard library's own parser): a
sequence is covered when one of its items is, or when every string a run of fixed
items can spell contains a word; an alternation when each branch is; a group or a
repeat taken at least once when its body is. Zero-width assertions spell nothing, so
they never help nor hurt. Anything else (classes, `.`, optional parts alone) covers
nothing. Patterns are read case-sensitively: `folded` runs them over lower-cased text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, Final

try:  # the standard library's regular-expression parser (private, stable since 3.11)
    from re import _constants as sre  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - another Python: no proof, so no pre-checks
    sre = sre_parse = None

SPELLINGS: Final = 256  # strings a run of fixed items may spell before it is cut

Item = tuple[Any, Any]  # (opcode, argument) as the parser gives them


HEADS: Final = 64  # at most this many strings a match may begin with, else they are cut


class Unproven(ValueError):
    """The words are not in every match of the pattern: using them would lose matches."""


def available() -> bool:
    """Whether proofs can be made on this Python (else guards are left unused)."""
    return sre_parse is not None


def prove(pattern: str, flags: int, words: Iterable[str]) -> tuple[str, ...]:
    """`words` if every match of `pattern` (with `flags`, case-sensitive) holds one of them."""
    kept = tuple(dict.fromkeys(words))
    parsed = _case_sensitive(pattern, flags)
    if not kept or "" in kept or not _covered(parsed.data, kept):
        raise Unproven(f"a match of {pattern[:60]!r}… may hold none of {kept}")
    return kept


def _case_sensitive(pattern: str, flags: int) -> Any:
    """The pattern's syntax tree; Unproven if it ignores case, by `flags` or by a "(?i)"
    of its own (the letters of its literals would then not be all a match can hold)."""
    parsed = sre_parse.parse(pattern, flags)
    if (flags | parsed.state.flags) & re.IGNORECASE:
        raise Unproven("read case-sensitively: run it over lower-cased text")
    return parsed


def _covered(items: Sequence[Item], words: tuple[str, ...]) -> bool:
    """Every match of this sequence contains a word."""
    run: set[str] | None = {""}
    for op, value in items:
        if _item_covered(op, value, words):
            return True
        spelled = _spellings(op, value)
        run = _joined(run, spelled) if run is not None and spelled is not None else None
        if run is None:  # too many spellings, or an item of any length: start over after it
            run = {""} if spelled is None else spelled
        if _all_hold(run, words):
            return True
    return False


def _item_covered(op: Any, value: Any, words: tuple[str, ...]) -> bool:
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, body = value
        return not (add_flags or del_flags) and _covered(body.data, words)
    if op is sre.ATOMIC_GROUP:
        return _covered(value.data, words)
    if op is sre.BRANCH:
        return all(_covered(branch.data, words) for branch in value[1])
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        least, _most, body = value
        return least >= 1 and _covered(body.data, words)
    spelled = _spellings(op, value)
    return spelled is not None and _all_hold(spelled, words)


def _spellings(op: Any, value: Any) -> set[str] | None:
    """Every string this item can match, when they are few; None otherwise."""
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return {""}  # zero-width
    if op is sre.LITERAL or (op is sre.IN and all(kind is sre.LITERAL for kind, _ in value)):
        return {chr(value)} if op is sre.LITERAL else {chr(code) for _, code in value}
    if op is sre.SUBPATTERN and not (value[1] or value[2]):
        return _sequence_spellings(value[3].data)
    if op is sre.BRANCH:
        return _branch_spellings(value[1])
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and value[1] == 1:
        body = _sequence_spellings(value[2].data)
        return None if body is None else body | ({""} if value[0] == 0 else set())
    return None


def _branch_spellings(branches: Sequence[Any]) -> set[str] | None:
    found: set[str] = set()
    for branch in branches:
        spelled = _sequence_spellings(branch.data)
        if spelled is None:
            return None
        found |= spelled
    return found if len(found) <= SPELLINGS else None


def _sequence_spellings(items: Sequence[Item]) -> set[str] | None:
    spelled: set[str] | None = {""}
    for op, value in items:
        part = _spellings(op, value)
        if part is None or spelled is None:
            return None
        spelled = _joined(spelled, part)
    return spelled


def _joined(left: set[str], right: set[str]) -> set[str] | None:
    if len(left) * len(right) > SPELLINGS:
        return None
    return {a + b for a in left for b in right}


def _all_hold(spelled: set[str], words: tuple[str, ...]) -> bool:
    return all(any(word in text for word in words) for text in spelled)


def heads(pattern: str, flags: int) -> tuple[str, ...] | None:
    """Strings one of which every match of `pattern` (case-sensitive) begins with, the
    fewest that say so; None when a match may begin with anything (a class, `.`, a part
    taken no times).

    A sequence begins with what its first items spell (zero-width assertions spell
    nothing), then with the beginnings of the first item that is not spelled out in
    full; an alternation with the beginnings of each branch; a group or a repeat taken
    at least once with those of its body. Cutting strings shorter keeps them sound.
    """
    found = _heads(_case_sensitive(pattern, flags).data)
    if "" in found:
        return None
    kept: list[str] = []
    for head in sorted(found, key=lambda text: (len(text), text)):
        if not any(head.startswith(shorter) for shorter in kept):
            kept.append(head)  # a string that begins with a kept one says nothing more
    return tuple(kept)


def _heads(items: Sequence[Item]) -> set[str]:
    """Strings one of which every match of this sequence begins with ({""}: anything)."""
    made: set[str] = {""}
    for op, value in items:
        spelled = _spellings(op, value)
        if spelled is None:  # not spelled out in full: it adds its own beginnings, and ends
            return _cut({a + b for a in made for b in _item_heads(op, value)})
        made = {a + b for a in made for b in spelled}
        if len(made) > HEADS:
            return _cut(made)
    return made


def _item_heads(op: Any, value: Any) -> set[str]:
    if op is sre.SUBPATTERN and not (value[1] or value[2]):
        return _heads(value[3].data)
    if op is sre.ATOMIC_GROUP:
        return _heads(value.data)
    if op is sre.BRANCH:
        found = [_heads(branch.data) for branch in value[1]]
        return {""} if any("" in part for part in found) else _cut(set().union(*found))
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and value[0] >= 1:
        return _heads(value[2].data)
    return {""}


def _cut(found: set[str]) -> set[str]:
    """At most `HEADS` strings: the beginnings of these, as long as that allows."""
    length = max(map(len, found), default=0)
    while len(found) > HEADS and length > 1:
        length -= 1
        found = {text[:length] for text in found}
    return found
