"""The Maildir provider's sync state: which files a pass has read.

`maildir.py` stores it as the `SyncPage.state` string: a small JSON object,
  {"v": 1, "dirs": [new/ mtime, cur/ mtime] | null, "mark": M, "seen": {name: ctime},
   "first": false}
(nanoseconds; names like "cur/<file>"), and it means: every file whose ctime is
before M was read, and so was each file in `seen` while its ctime is the one noted.
- Delivering (a rename from tmp/ or a link), moving new/ → cur/ and changing flags
  (a rename) all set the file's ctime, so a pass reads only files that are not
  covered. M is two seconds before the pass began (and before the newest ctime it
  saw, should the file system's clock lag ours), so that a change made while the
  directories were being listed, and missed by the listing, is still after M; the
  files after M are few, and are remembered by name and ctime in `seen`.
- `dirs`: the directory mtimes taken before the last complete pass. Any delivery,
  move, rename or removal changes one, so when both are unchanged a pass costs two
  `stat` calls and yields one empty page. They are kept only when over two seconds
  old: a change in the same clock tick as the pass may leave an mtime as it was.
The pages in between carry no `dirs` and only what the pass has read so far, so a
pass resumed from one lists again (still applying `since` if it was a first sync)
and may bring a few messages twice; changes are at-least-once anyway (a flag
change brings the message again), and the caller upserts.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

MARGIN_NS = 2_000_000_000  # how far back of a pass changes are tracked by name (see above)

log = logging.getLogger("bot.mail.maildir")  # the provider's logger: one name to follow


@dataclass(frozen=True, slots=True)
class Entry:
    name: str  # "cur/<file name>"
    path: str
    ctime_ns: int
    mtime_ns: int

    @property
    def key(self) -> str:
        return self.name.partition("/")[2].partition(":")[0]

    @property
    def flags(self) -> str:
        return self.name.partition(":2,")[2]


@dataclass(slots=True)
class SyncState:
    dirs: list[int] | None = None
    mark: int = -1
    seen: dict[str, int] = field(default_factory=dict)
    first: bool = False  # a page of a first sync: `since` still applies when resuming

    @classmethod
    def load(cls, text: str | None) -> SyncState | None:
        if not text:
            return None
        try:
            data = json.loads(text)
            return cls(data["dirs"], int(data["mark"]), {**data["seen"]}, bool(data["first"]))
        except (ValueError, KeyError, TypeError):
            log.warning("unreadable Maildir sync state: syncing from the start")
            return None

    def dump(self) -> str:
        data = {
            "v": 1,
            "dirs": self.dirs,
            "mark": self.mark,
            "seen": self.seen,
            "first": self.first,
        }
        return json.dumps(data, separators=(",", ":"), sort_keys=True)

    def covers(self, entry: Entry) -> bool:
        """Read by the pass that left this state, and unchanged since."""
        return entry.ctime_ns < self.mark or self.seen.get(entry.name) == entry.ctime_ns

    def add(self, entry: Entry, bound: int) -> None:
        """`entry` was read: for a page's state, read so far are all files before the
        entry's ctime (they come in ctime order) or before `bound`, and those in `seen`."""
        mark = min(entry.ctime_ns, bound)
        if mark > self.mark:
            self.mark, self.seen = mark, {n: c for n, c in self.seen.items() if c >= mark}
        self.seen[entry.name] = entry.ctime_ns
