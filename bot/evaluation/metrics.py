"""Counting: rates against targets, pairwise agreement of two partitions, table rows."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Final

MISSES_SHOWN: Final = 5  # misses named in a row's note; the JSON lists them all


@dataclass
class Rate:
    """How many of `total` items were hits, and which items to name.

    For a floor ("tracked ≥ 90%") the items named are the misses; for a ceiling
    ("false alarms ≤ 2%", `offences=True`) they are the hits, the offending items.
    """

    hits: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)
    offences: bool = False

    def add(self, name: str, hit: bool) -> None:
        self.total += 1
        self.hits += hit
        if hit == self.offences:
            self.misses.append(name)

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table: a set, what was counted, the figure and its target."""

    group: str  # triage, risks, threading, replies, corrections, speed
    name: str  # the set, as the table shows it
    measure: str  # what the figure is, in words
    count: int  # items looked at
    value: float  # the figure: a share (0..1), or a rate for speed rows
    target: float | None = None  # the target (None: reported, no target)
    at_most: bool = False  # the target is a ceiling (false alarms), not a floor
    unit: str = "%"  # "%" for shares, "msg/s" for speed
    misses: tuple[str, ...] = ()
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        return self.value <= self.target if self.at_most else self.value >= self.target


def row(
    group: str,
    name: str,
    measure: str,
    rate: Rate,
    target: float | None = None,
    *,
    at_most: bool = False,
    note: str = "",
) -> Row:
    """The table row of a rate."""
    misses = tuple(rate.misses)
    return Row(group, name, measure, rate.total, rate.value, target, at_most, "%", misses, note)


def pairs(groups: Mapping[str, Hashable], names: Iterable[str]) -> set[tuple[str, str]]:
    """The pairs of `names` that `groups` puts in the same group."""
    by_group: dict[Hashable, list[str]] = {}
    for name in sorted(names):
        by_group.setdefault(groups[name], []).append(name)
    return {pair for members in by_group.values() for pair in combinations(members, 2)}


@dataclass(frozen=True, slots=True)
class Agreement:
    """Pairwise same-group agreement of a found partition with a reference one."""

    precision: float  # of the pairs we put together, the share the reference has together
    recall: float  # of the reference's pairs, the share we put together
    agreement: float  # of all pairs, the share on which both say the same (Rand index)
    items: int


def agreement(found: Mapping[str, Hashable], truth: Mapping[str, Hashable]) -> Agreement:
    names = sorted(set(found) & set(truth))
    ours, theirs = pairs(found, names), pairs(truth, names)
    every = len(names) * (len(names) - 1) // 2
    both = len(ours & theirs)
    differ = len(ours ^ theirs)
    return Agreement(
        precision=both / len(ours) if ours else 1.0,
        recall=both / len(theirs) if theirs else 1.0,
        agreement=1 - differ / every if every else 1.0,
        items=len(names),
    )
