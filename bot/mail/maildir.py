"""Maildir: the embedded mail provider, real RFC 822 files in a directory tree.

`Mailbox.locator` is the Maildir root. Inbox is the root's `cur/` and `new/`;
Sent is the Maildir++ folder `.Sent/`. A message's key is its file name up to the
first ":" (the Maildir unique name, which survives moves from new/ to cur/ and flag
changes); `Mail.provider_id` is "inbox/<key>" or "sent/<key>". Replies and forwards
are written into `.Sent/cur/` the Maildir way (tmp/, fsync, rename). The inbox
flags R (replied) and P (passed on) become `Mail.last_verb`, dated by the file's ctime.

Incremental sync: see `maildir_state.py` for what the state holds and why a pass
reads only what changed (an idle pass is two `stat` calls). A first sync (no
state) skips files whose mtime, then whose received time, is before `since`.
Changes are at-least-once: the caller upserts. Removals are not reported.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path

from bot.core.clock import Clock
from bot.core.mail import Address, Folder, Mail, Outgoing, Verb
from bot.core.ports import Mailbox, MailboxUnavailable, MailError, SyncPage
from bot.mail.compose import compose_forward, compose_reply
from bot.mail.maildir_state import MARGIN_NS, Entry, SyncState
from bot.mail.parse import MalformedMail, parse

# Messages a page holds: one unit of work, committed with the folder's state. Each page
# also reads what its mail may join (known ids, threads, sent answers, contacts): 1,000
# halves that per-page cost against 500 (a 20,000-message sync, 3-6% faster), and a
# page still takes under a second to file (Ctrl-C stops after the current one).
PAGE_SIZE = 1_000
READ_LIMIT = 16 * 1024 * 1024  # bytes of one file read; the rest of a huge message is ignored
_SUBDIRS = ("new", "cur")
_FOLDERS = {Folder.INBOX: "", Folder.SENT: ".Sent"}
_VERBS = (("R", Verb.REPLIED), ("P", Verb.FORWARDED))  # Maildir flags: Replied, Passed

log = logging.getLogger(__name__)


class _Skip(Enum):
    """Why a listed file gave no mail."""

    UNREADABLE = "unreadable"  # logged and counted in SyncPage.skipped
    GONE = "gone"  # moved by the mail client since the listing: found under its new name
    OLD = "old"  # before `since`, on a first sync


class MaildirProvider:
    kind = "maildir"

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def sync(
        self, mailbox: Mailbox, folder: Folder, state: str | None, since: datetime
    ) -> Iterator[SyncPage]:
        """Changed messages of `folder` in pages; see the module docstring for the state."""
        directory = _root(mailbox) / _FOLDERS[folder]
        if not all((directory / sub).is_dir() for sub in _SUBDIRS):
            return iter([SyncPage(folder, (), state or "")])  # no .Sent yet: nothing sent
        return _Pass(directory, folder, SyncState.load(state), since).pages()

    def reply(self, mailbox: Mailbox, original: str, message: Outgoing) -> None:
        root = _root(mailbox)
        _find(root, original)
        _store_sent(root, message, compose_reply(message, self._clock.now()))

    def forward(self, mailbox: Mailbox, original: str, message: Outgoing) -> None:
        root = _root(mailbox)
        raw = _find(root, original).read_bytes()
        _store_sent(root, message, compose_forward(message, raw, self._clock.now()))

    def resolve(self, mailbox: Mailbox, name: str) -> Address | None:
        return None  # a Maildir has no directory of people


class _Pass:
    """One sync pass over one folder."""

    def __init__(self, directory: Path, folder: Folder, state: SyncState | None, since: datetime):
        self.directory, self.folder, self.previous, self.since = directory, folder, state, since
        self.first = state is None or state.first
        self.started = time.time_ns()

    def pages(self) -> Iterator[SyncPage]:
        dirs = [os.stat(self.directory / sub).st_mtime_ns for sub in _SUBDIRS]
        if self.previous is not None and self.previous.dirs == dirs:
            yield SyncPage(self.folder, (), self.previous.dump())  # idle: two stat calls
            return
        listed = list(self._listing())
        newest = max((entry.ctime_ns for entry in listed), default=self.started)
        bound = min(self.started, newest + 1) - MARGIN_NS
        done = SyncState(dirs if self.started - max(dirs) > MARGIN_NS else None, bound)
        done.seen = {entry.name: entry.ctime_ns for entry in listed if entry.ctime_ns >= bound}
        previous = self.previous or SyncState()
        todo = sorted((entry for entry in listed if not previous.covers(entry)), key=_in_order)
        yield from self._in_pages(todo, bound, done)

    def _in_pages(self, todo: list[Entry], bound: int, done: SyncState) -> Iterator[SyncPage]:
        progress, mails, skipped = SyncState(first=self.first), list[Mail](), 0
        for seen, entry in enumerate(todo, 1):
            mail = self._read(entry)
            mails += [mail] if isinstance(mail, Mail) else []
            skipped += mail is _Skip.UNREADABLE
            progress.add(entry, bound)
            if len(mails) == PAGE_SIZE and seen < len(todo):
                yield SyncPage(
                    self.folder, mails, progress.dump(), skipped, seen, len(todo), self.first
                )
                mails, skipped = [], 0
        yield SyncPage(self.folder, mails, done.dump(), skipped, len(todo), len(todo), self.first)

    def _listing(self) -> Iterator[Entry]:
        for sub in _SUBDIRS:  # new/ first: a message moving to cur/ meanwhile is seen there
            with os.scandir(self.directory / sub) as found:
                for item in found:
                    if entry := _entry(sub, item):
                        yield entry

    def _read(self, entry: Entry) -> Mail | _Skip:
        first = self.first
        if first and entry.mtime_ns < self.since.timestamp() * 1e9:
            return _Skip.OLD  # the cheap test first: the file's time
        raw = _read_file(entry)
        if isinstance(raw, _Skip):
            return raw
        mail = _parse(entry, self.folder, raw)
        if isinstance(mail, Mail) and first and mail.received_at < self.since:
            return _Skip.OLD
        return mail


def _in_order(entry: Entry) -> tuple[int, str]:
    return entry.ctime_ns, entry.name


def _root(mailbox: Mailbox) -> Path:
    root = Path(mailbox.locator)
    if not all((root / sub).is_dir() for sub in _SUBDIRS):
        raise MailboxUnavailable(f"no Maildir at {root}")
    return root


def _key(file_name: str) -> str:
    return file_name.partition(":")[0]


def _entry(sub: str, item: os.DirEntry[str]) -> Entry | None:
    if item.name.startswith("."):
        return None
    try:
        info = item.stat()
    except FileNotFoundError:  # moved between listing and stat: found again under its new name
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return Entry(f"{sub}/{item.name}", item.path, info.st_ctime_ns, info.st_mtime_ns)


def _read_file(entry: Entry) -> bytes | _Skip:
    try:
        # A bare descriptor: `open()` wraps it in a buffered file object, a third of the
        # time of reading a usual message (5 of 16 µs).
        descriptor = os.open(entry.path, os.O_RDONLY)
        try:
            # read(READ_LIMIT + 1) would allocate the whole limit for every file (16 MB,
            # then shrunk): 30 µs a message, more than reading it. So the size it has, and
            # (if it grew meanwhile) the rest up to the limit.
            size = min(os.fstat(descriptor).st_size, READ_LIMIT)
            raw = _read_at_most(descriptor, size + 1)
            if len(raw) > size:
                raw += _read_at_most(descriptor, READ_LIMIT + 1 - len(raw))
        finally:
            os.close(descriptor)
    except FileNotFoundError:
        return _Skip.GONE
    except OSError as error:
        log.warning("skipped Maildir file %s: %s", entry.path, error.strerror)
        return _Skip.UNREADABLE
    if len(raw) > READ_LIMIT:
        log.info("Maildir file %s is over %d bytes: parsed its start only", entry.path, READ_LIMIT)
        return raw[:READ_LIMIT]
    return raw


def _read_at_most(descriptor: int, count: int) -> bytes:
    """`count` bytes, fewer only at the end of the file (as a buffered file's `read`)."""
    raw = os.read(descriptor, count)
    while 0 < len(raw) < count and (more := os.read(descriptor, count - len(raw))):
        raw += more
    return raw


def _parse(entry: Entry, folder: Folder, raw: bytes) -> Mail | _Skip:
    file_time = datetime.fromtimestamp(entry.mtime_ns / 1e9, UTC)
    verb = _verb(entry) if folder is Folder.INBOX else None
    # The flag's time is not kept; the file's last change (its ctime) is the best guess.
    verb_at = datetime.fromtimestamp(entry.ctime_ns / 1e9, UTC) if verb else None
    try:
        return parse(
            raw,
            folder=folder,
            provider_id=f"{folder}/{entry.key}",
            file_time=file_time,
            last_verb=verb,
            last_verb_at=verb_at,
        )
    except MalformedMail as error:
        log.warning("skipped Maildir file %s: %s", entry.path, error)
        return _Skip.UNREADABLE
    except RecursionError:  # thousands of nested comments or parts, built to break parsers
        log.warning("skipped Maildir file %s: nested too deeply to read", entry.path)
        return _Skip.UNREADABLE
    except Exception as error:  # a parser bug must not stop the pass; no content is logged
        log.warning("skipped Maildir file %s: %s", entry.path, type(error).__name__)
        return _Skip.UNREADABLE


def _verb(entry: Entry) -> Verb | None:
    return next((verb for flag, verb in _VERBS if flag in entry.flags), None)


def _find(root: Path, provider_id: str) -> Path:
    """The file of the message with this provider id; MailError when there is none."""
    folder_name, _, key = provider_id.partition("/")
    subfolder = {folder.value: name for folder, name in _FOLDERS.items()}.get(folder_name)
    found = _locate(root / subfolder, key) if subfolder is not None and key else None
    if found is None:
        raise MailError(
            f"the email is no longer in the mailbox (deleted or moved away: {provider_id})"
        )
    return found


def _locate(directory: Path, key: str) -> Path | None:
    for sub in _SUBDIRS:
        if (directory / sub).is_dir():
            with os.scandir(directory / sub) as found:
                for item in found:
                    if _key(item.name) == key and not item.name.startswith("."):
                        return Path(item.path)
    return None


def _store_sent(root: Path, message: Outgoing, data: bytes) -> None:
    """Write into .Sent/cur the Maildir way, once per message id (sending twice is a no-op)."""
    try:
        _write_sent(root / ".Sent", message, data)
    except OSError as error:  # a full disk, a read-only or broken folder: the user is told
        raise MailError(f"cannot write to {root / '.Sent'}: {error.strerror or error}") from None


def _write_sent(sent: Path, message: Outgoing, data: bytes) -> None:
    for sub in ("cur", "new", "tmp"):
        (sent / sub).mkdir(parents=True, exist_ok=True)
    (sent / "maildirfolder").touch()  # Maildir++ marks its subfolders so
    key = "replyminder." + hashlib.sha256(message.message_id.encode()).hexdigest()[:32]
    if _locate(sent, key) is not None:
        return
    temporary = sent / "tmp" / f"{key}.{os.getpid()}"
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.rename(temporary, sent / "cur" / f"{key}:2,S")
    _fsync_directory(sent / "cur")


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (a no-op where directories cannot be opened)."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
