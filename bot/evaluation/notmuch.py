"""notmuch's expected thread trees, read from its test suite's expected-output files.

A line of `notmuch-tree` output is the date, the author cut to 20 characters, then the
tree glyphs ending in "►": "┬►"/"─►" for a top-level message, one more glyph per level
below ("├─►", "│╰┬►"…). A tree is compared as its shape: each message as (day, author)
with its replies, order-free, so that the same tree drawn newest- or oldest-first is equal.

The edge-case folders (ghost roots, parent priority, loops, duplicates) have no expected
output in the corpus: notmuch states their expected threads in its shell tests
(T510-thread-replies, T592-thread-breakage, T560-lib-error's "reference loop" case,
the duplicate-id cases of T520/T460). `EDGE_CASES` writes those statements down.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Final

Shape = tuple[tuple[str, str], frozenset["Shape"]]  # (day, author), replies
_GLYPHS: Final = 36  # column where the tree glyphs start
AUTHOR: Final = slice(14, 34)
DAY: Final = slice(2, 12)


def expected_trees(path: Path) -> list[frozenset[Shape]]:
    """Each thread of an expected-output file, as the set of its top-level shapes."""
    threads: list[list[tuple[int, tuple[str, str]]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        arrow = line.find("►")
        if arrow < _GLYPHS:
            continue  # "End of search results." and the like
        depth = arrow + 1 - _GLYPHS - 2
        key = (line[DAY], line[AUTHOR].rstrip())
        if depth == 0:
            threads.append([])
        threads[-1].append((depth, key))
    return [frozenset(_shapes(lines)) for lines in threads]


def _shapes(lines: list[tuple[int, tuple[str, str]]], depth: int = 0) -> Iterable[Shape]:
    """The shapes at `depth` of a pre-order listing (each followed by its deeper lines)."""
    i = 0
    while i < len(lines):
        level, key = lines[i]
        end = i + 1
        while end < len(lines) and lines[end][0] > level:
            end += 1
        if level == depth:
            yield (key, frozenset(_shapes(lines[i + 1 : end], depth + 1)))
        i = end


# Folder → the expected threads, each a set of (Message-ID → parent Message-ID or None),
# as notmuch's tests state them.
EDGE_CASES: Final[dict[str, tuple[dict[str, str | None], ...]]] = {
    # T592/T510: a reply whose In-Reply-To is missing hangs from the nearest message its
    # References name; messages sharing only a missing ancestor (RT's ticket id) are one
    # thread with several top-level messages.
    "threading/ghost-root": (
        {
            "000-real-root@example.org": None,
            "001-child@example.org": "000-real-root@example.org",
            "001-grand-child@example.org": "001-child@example.org",
            "001-grand-child2@example.org": "001-child@example.org",
            "001-great-grand-child@example.org": "001-grand-child@example.org",
            "001-fake-message-root@example.org": "001-child@example.org",
        },
        {
            "87bmc6lp3h.fsf@len.workgroup": None,
            "rt-4.2.8-22046-1529425595-591.33575-211-0@xxxxxxx-xxxxxxxxxxxxxxxxx-xxxxxxxxx"
            "-xxxxxxxxx.de": "87bmc6lp3h.fsf@len.workgroup",
            "rt-4.2.8-6644-1530017064-1465.33575-215-0@xxxxxxx-xxxxxxxxxxxxxxxxx-xxxxxxxxx"
            "-xxxxxxxxx.de": None,
        },
    ),
    # T510 "use References when In-Reply-To is broken": here the References typo loses
    # and the good In-Reply-To wins; the grand-child's reversed References do not matter.
    "threading/parent-priority": (
        {
            "B00-root@example.org": None,
            "B01-child@example.org": "B00-root@example.org",
            "B01-grand-child@example.org": "B01-child@example.org",
        },
    ),
    # T560: "reference loop does not crash", one thread "ordered by date": the older
    # message is the top.
    "broken/loop": (
        {
            "mid-loop-12@example.org": None,
            "mid-loop-21@example.org": "mid-loop-12@example.org",
        },
    ),
    # T520/T460 "--duplicate=N": nine files, three messages, each its own thread (their
    # References name only messages that are not in the corpus).
    "duplicate": (
        {"debian/2.6.1.dfsg-4-1-g87ea161@87ea161e851dfb1ea324af00e4ecfccc18875e15": None},
        {"87r2geywh9.fsf@tethera.net": None},
        {"87r2ecrr6x.fsf@zephyr.silentflame.com": None},
    ),
}
