"""The fedora-devel-list archive's own threading (MHonArc's thread index), as labels.

The index nests `<li><a name="NNNNN">Subject</a>, <em>Author</em>` items: a top-level
item starts a thread, nested lists hold the replies. NNNNN is the archive's message
number, given in arrival order, so it is the message's position in the month's mbox;
`check` confirms it by comparing each position's subject and author with the index's.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Entry:
    number: int  # the archive's message number = position in the mbox
    subject: str
    author: str
    thread: int  # the number of the thread's first message


class _Index(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.entries: list[Entry] = []
        self._depth = 0  # <ul> nesting; the thread list is a top-level <ul>
        self._thread = -1
        self._current: dict[str, str] = {}
        self._in = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "ul":
            self._depth += 1
        elif tag == "a" and dict(attrs).get("name"):
            self._current = {"number": dict(attrs)["name"] or "", "subject": "", "author": ""}
            self._in = "subject"
        elif tag == "em" and self._current:
            self._in = "author"

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul":
            self._depth -= 1
        elif tag in ("a", "em"):
            self._in = ""
            if tag == "em" and self._current:
                self._finish()

    def handle_data(self, data: str) -> None:
        if self._in:
            self._current[self._in] += data

    def _finish(self) -> None:
        number = int(self._current["number"])
        if self._depth == 1:  # the thread list is the second <ul> of the page, depth 1
            self._thread = number
        subject, author = self._current["subject"], self._current["author"]
        self.entries.append(Entry(number, subject.strip(), author.strip(), self._thread))
        self._current = {}


def index(path: Path) -> list[Entry]:
    """The entries of a (gzip'd) MHonArc thread page."""
    parser = _Index()
    parser.feed(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
    return parser.entries
