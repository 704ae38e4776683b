"""What ingest looks up while it records one page of mail, fetched in a few queries.

Ingest records a page (up to 1,000 messages from a Maildir) in one unit of work.
Asking the database per message and per rule (is it known? which thread do its
references name? which thread has this subject? did the user answer it already?) cost
a dozen queries and a flush per message, most of a first sync's time. Instead the
page's Message-IDs, referenced ids, subjects and conversations are fetched up front, a
query each, and whatever the page records is added to the same maps, so a later message
of the page finds an earlier one as the database would. Nothing is written until the
page ends: a new message or event points to its thread object, which has its id by
then (`write_threads`).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from itertools import islice
from typing import Any, Final, cast

from sqlalchemy import Table, insert, inspect, select, text
from sqlalchemy.orm import Session

from bot.core import conversation
from bot.core.mail import Folder, Mail
from bot.core.thread import State
from bot.store import threads as store
from bot.store import users
from bot.store.models import Contact, Event, MessageRow, Thread

CHUNK = 2_000  # values in one IN (…): well under SQLite's and PostgreSQL's parameter limits


class Lookup:
    """One user's threads, messages and contacts as far as one page of mail needs them."""

    def __init__(self, session: Session, user_id: int, mails: Sequence[Mail]) -> None:
        self.session, self.user_id = session, user_id
        self._messages: dict[tuple[str, str], MessageRow | NewMessage] = {}  # (folder, Message-ID)
        self._new: list[NewMessage] = []  # this page's, not in the session (`write_messages`)
        self._events: list[tuple[Thread, dict[str, Any]]] = []  # likewise, with their thread
        self._threads_of: dict[str, Thread] = {}  # Message-ID → the thread its row names
        # (subject key, sender) → its threads but ignored ones not loaded, oldest first,
        # numbered in the order they were made (the id; past every id for a thread new in
        # this page); not loaded yet: as `_Candidate`s. Only the pairs asked for.
        self._by_pair: dict[tuple[str, str], list[tuple[int, Thread | _Candidate]]] = {}
        self._made = itertools.count(2**62)
        self._opened: list[Thread] = []  # this page's new threads, in the order they were made
        self._by_conversation: dict[str, list[Thread | _Candidate]] = {}
        # the user's own sent mail that may answer the page: by the id it replies to, and
        # by (subject, first recipient)
        self._replies: dict[str, list[_Sent | NewMessage]] = {}
        self._on_subject: dict[tuple[str, str], list[_Sent | NewMessage]] = {}
        self._bot_acts: dict[int, list[datetime]] | None = None  # thread id → when it acted
        self.contacts = {c.email: c for c in self._all(Contact, Contact.user_id == user_id)}
        self._fetch(mails)

    def _all(self, entity: Any, *where: Any) -> list[Any]:
        return list(self.session.scalars(select(entity).where(*where)))

    def _fetch(self, mails: Sequence[Mail]) -> None:
        seen = self._rows(MessageRow.message_id, {m.message_id for m in mails})
        named = self._named({i for m in mails for i in _referenced(m)})
        wanted = {row.thread_id for row in seen} | set(named.values())
        # Every thread the page loads, held here: the session keeps unchanged objects only
        # while in use, and a thread's state may change in the page.
        self._threads: dict[int, Thread] = {t.id: t for t in self._rows(Thread.id, wanted - {None})}
        for row in seen:
            self._messages[(row.folder, row.message_id)] = row
        for message_id, thread_id in named.items():
            self._threads_of[message_id] = self._threads[thread_id]
        pairs = [_pairs(m) for m in mails]  # each mail's (subject key, person)s, in order
        self._load_pairs({pair for some in pairs for pair in some})
        self._load_conversations({m.conversation_id for m in mails if m.conversation_id})
        inbox = [
            (m, some) for m, some in zip(mails, pairs, strict=True) if m.folder is Folder.INBOX
        ]
        self._load_sent([m for m, _ in inbox], {pair for _, some in inbox for pair in some})
        self._load_likely(mails, pairs)

    def _load_likely(self, mails: Sequence[Mail], pairs: Sequence[list[tuple[str, str]]]) -> None:
        """The threads the page's mail will most likely be filed into by subject or by
        conversation, in one query: loading each when chosen cost a query each. (One not
        loaded here, because the page changed what is chosen, is still loaded then.)"""
        wanted: set[int] = set()
        for mail, some in zip(mails, pairs, strict=True):
            for key, person in some:
                latest = self._latest_tracked(key, person)
                if latest is not None:
                    wanted.add(latest[1].id)
            if mail.conversation_id and (same := self._by_conversation[mail.conversation_id]):
                wanted.add(same[-1].id)
        self._keep(self._rows(Thread.id, wanted - set(self._threads)))

    def _keep(self, threads: Iterable[Thread]) -> None:
        """Hold these threads, just loaded, and put each in its (subject, sender) list if
        that was read without it: it was ignored then, and this page may revive it."""
        for thread in threads:
            self._threads[thread.id] = thread
            same = self._by_pair.get((thread.subject_key, thread.sender_email))
            if same is not None and thread.id not in {made for made, _ in same}:
                bisect.insort(same, (thread.id, thread), key=lambda entry: entry[0])

    def _named(self, ids: set[str]) -> dict[str, int]:
        """The thread of each of these Message-IDs that has one (the latest row's, if several)."""
        named: list[tuple[int, str, int]] = []
        shape = select(MessageRow.id, MessageRow.message_id, MessageRow.thread_id)
        for chunk in _chunks(sorted(ids)):
            query = shape.where(
                MessageRow.user_id == self.user_id,
                MessageRow.message_id.in_(chunk),
                MessageRow.thread_id.is_not(None),
            )
            named += [tuple(row) for row in self.session.execute(query)]  # type: ignore[misc]
        return {message_id: thread_id for _, message_id, thread_id in sorted(named)}

    def _rows(self, column: Any, values: Iterable[Any], own_sent: bool = False) -> list[Any]:
        """Rows of this user whose `column` is among `values`, in the order they were made;
        `own_sent`: only messages the user wrote (not the bot) in Sent.

        By id, the user is compared as an expression, which no index serves: else SQLite
        (without statistics) takes the (user, state) index of threads and reads all the
        user's threads for each page, instead of each thread by its id.
        """
        entity = column.class_
        owner = entity.user_id + 0 if column is entity.id else entity.user_id
        where = [owner == self.user_id]
        if own_sent:
            where += [MessageRow.folder == Folder.SENT.value, MessageRow.own.is_(False)]
        found = []
        for chunk in _chunks(sorted(values)):
            found += self._all(entity, *where, column.in_(chunk))
        return sorted(found, key=lambda row: row.id)

    def _load_pairs(self, pairs: set[tuple[str, str]]) -> None:
        """The threads with each person on each subject ("": subjectless mail) that
        choosing may pick: not the ignored ones (a newsletter has hundreds), unless loaded
        (`_keep`), as only a loaded thread can have changed. Asked by subject and by person,
        then paired, roughly in SQL and exactly here; by subject alone, a page read some
        2,000 threads of other people on its recurring subjects ("Re: báo giá")."""
        pairs = {pair for pair in pairs if pair not in self._by_pair}
        for pair in pairs:
            self._by_pair[pair] = []
        if not pairs:
            return  # (most calls: the page's pairs are read up front)
        for chunk in _chunks(sorted(pairs), CHUNK // 3):
            query = select(Thread.subject_key, Thread.id, Thread.sender_email, Thread.state).where(
                Thread.user_id == self.user_id,
                Thread.state != State.IGNORED,
                *_paired(Thread.subject_key, Thread.sender_email, chunk),
            )
            wanted = set(chunk)
            for key, thread_id, sender, state in self.session.execute(query):
                if (key, sender) in wanted:
                    self._by_pair[(key, sender)].append(
                        (thread_id, _Candidate(thread_id, sender, state))
                    )
        for pair in pairs:
            self._by_pair[pair].sort(key=lambda entry: entry[0])
        self._keep([t for t in self._threads.values() if (t.subject_key, t.sender_email) in pairs])

    def _load_conversations(self, ids: set[str]) -> None:
        """The threads of each conversation, oldest first, as far as choosing needs."""
        ids = {i for i in ids if i not in self._by_conversation}
        for conversation_id in ids:
            self._by_conversation[conversation_id] = []
        if not ids:
            return  # (most calls: the page's conversations are loaded up front)
        shape = select(Thread.conversation_id, Thread.id, Thread.sender_email, Thread.state)
        found: list[tuple[str, _Candidate]] = []
        for chunk in _chunks(sorted(ids)):
            query = shape.where(Thread.user_id == self.user_id, Thread.conversation_id.in_(chunk))
            found += [(str(key), _Candidate(i, sender, state))
                      for key, i, sender, state in self.session.execute(query)]  # fmt: skip
        for key, candidate in sorted(found, key=lambda pair: pair[1].id):
            self._by_conversation[key].append(candidate)

    def _thread(self, candidate: Thread | _Candidate) -> Thread:
        """The thread itself: loaded now if it was only a candidate."""
        if isinstance(candidate, Thread):
            return candidate
        loaded = self._threads.get(candidate.id)
        if loaded is not None:
            return loaded
        with self.session.no_autoflush:  # by id: nothing pending can change what it finds
            thread = self.session.get(Thread, candidate.id)
        assert thread is not None
        self._keep([thread])
        return thread

    def _current(self, candidate: Thread | _Candidate) -> Thread | _Candidate:
        """What is known of it now: the loaded thread (maybe changed by this page) if any."""
        if isinstance(candidate, Thread):
            return candidate
        return self._threads.get(candidate.id, candidate)

    def _load_sent(self, inbox: Sequence[Mail], pairs: set[tuple[str, str]]) -> None:
        """Sent mail that may answer one of these: replying to it, or on its subject to its
        sender (`pairs`; "" too: a blank subject answered "RE:" matches on the person
        alone)."""
        if not inbox:
            return
        found: list[_Sent] = []
        for ids in _chunks(sorted({m.message_id for m in inbox})):
            found += self._sent(MessageRow.in_reply_to.in_(ids), by_reply=True)
        for chunk in _chunks(sorted(pairs), CHUNK // 3):
            on_subject = self._sent(*_paired(MessageRow.subject_key, MessageRow.counterpart, chunk))
            found += [row for row in on_subject if (row.subject_key, row.counterpart) in pairs]
        for row in sorted({row.id: row for row in found}.values(), key=lambda row: row.id):
            self._add_sent(row)

    def _sent(self, *where: Any, by_reply: bool = False) -> list[_Sent]:
        """The user's own sent mail (not the bot's) that meets the conditions `where`.

        By the id a reply answers (`by_reply`), through that index: the folder is compared
        as an expression, which no index serves, or SQLite (without statistics, as on a
        first sync) would take the (user, folder) prefix of the unique index and read all
        the user's sent mail for each page. By subject and person, that prefix is the
        better way: subjects recur in the inbox too ("Re: báo giá"), so their index reads
        more.
        """
        folder = MessageRow.folder.concat("") if by_reply else MessageRow.folder
        query = select(
            MessageRow.id,
            MessageRow.at,
            MessageRow.in_reply_to,
            MessageRow.subject_key,
            MessageRow.counterpart,
        ).where(
            MessageRow.user_id == self.user_id,
            folder == Folder.SENT.value,
            MessageRow.own.is_(False),
            *where,
        )
        return [_Sent(*row) for row in self.session.execute(query)]

    def _add_sent(self, row: _Sent | NewMessage) -> None:
        if row.in_reply_to:
            self._replies.setdefault(row.in_reply_to, []).append(row)
        self._on_subject.setdefault((row.subject_key, row.counterpart), []).append(row)

    # ── what ingest asks ────────────────────────────────────────────────────
    def message(self, folder: Folder, message_id: str) -> MessageRow | NewMessage | None:
        return self._messages.get((folder.value, message_id))

    def thread_for_ids(self, ids: Sequence[str]) -> Thread | None:
        """The thread of the nearest message among `ids` (they come nearest first)."""
        return next((self._threads_of[i] for i in ids if i in self._threads_of), None)

    def thread_by_conversation(self, conversation_id: str) -> Thread | None:
        self._load_conversations({conversation_id})
        found = self._by_conversation[conversation_id]
        return self._thread(found[-1]) if found else None

    def thread_by_subject(self, subject_key: str, counterparts: Iterable[str]) -> Thread | None:
        """The latest tracked thread on this subject with one of these people (an empty
        subject too: a blank subject answered "RE:" is matched on the people alone)."""
        people = set(counterparts)
        self._load_pairs({(subject_key, person) for person in people})
        found = filter(None, (self._latest_tracked(subject_key, p) for p in people))
        latest = max(found, key=lambda pair: pair[0], default=None)
        return self._thread(latest[1]) if latest else None

    def _latest_tracked(
        self, subject_key: str, person: str
    ) -> tuple[int, Thread | _Candidate] | None:
        """The latest thread with `person` on this (loaded) subject that is not ignored,
        as known now, with the number it was made in."""
        for made, candidate in reversed(self._by_pair[(subject_key, person)]):
            now = self._current(candidate)
            if now.state != State.IGNORED:
                return made, now
        return None

    def sent_answer(
        self, message_id: str, subject_key: str, sender: str, after: datetime
    ) -> datetime | None:
        """When the user already answered this mail: a reply to it, else one on its subject
        to its sender, sent at or after `after`. Only for mail of the page (fetched with it)."""
        replies = self._replies.get(message_id, [])
        # Subjectless mail ("RE:" to someone's blank subject) matches on the person alone.
        on_subject = self._on_subject.get((subject_key, sender), [])
        return next((row.at for row in [*replies, *on_subject] if row.at >= after), None)

    def bot_acted_since(self, thread: Thread, since: datetime) -> bool:
        """Whether the bot replied or forwarded in this thread at or after `since`."""
        if thread.id is None:
            return False
        if self._bot_acts is None:  # loaded once a page asks (a query each would flush each)
            self._bot_acts = store.bot_acts(self.session, self.user_id)
        return any(at >= since for at in self._bot_acts.get(thread.id, ()))

    # ── what ingest records ─────────────────────────────────────────────────
    def add_thread(self, thread: Thread) -> None:
        """A new thread of the page: written with the others by `write_threads`."""
        self._opened.append(thread)
        pair = (thread.subject_key, thread.sender_email)
        self._load_pairs({pair})
        self._by_pair[pair].append((next(self._made), thread))
        if thread.conversation_id:
            self._load_conversations({thread.conversation_id})
            self._by_conversation[thread.conversation_id].append(thread)

    def add_message(self, row: NewMessage) -> None:
        """A new message of the page: written with the others by `write_messages`."""
        self._new.append(row)
        self._messages[(row.folder, row.message_id)] = row
        if row.thread is not None:
            self._threads_of[row.message_id] = row.thread
        if row.folder == Folder.SENT.value and not row.own:
            self._add_sent(row)

    def record(self, thread: Thread, actor: str, action: str, at: datetime) -> None:
        """What mail did to a thread (answered, forwarded), for its history: written with
        the page's messages (as ORM objects, SQLite would insert them one at a time)."""
        values = {"actor": actor, "action": action, "detail": "", "platform": "mail", "at": at}
        self._events.append((thread, values))

    def write_threads(self) -> None:
        """The page's threads, before the flush (which writes the rest): its changes to
        the threads it read, then its new threads, a statement each."""
        self._update_read()
        self._insert_opened()

    def _update_read(self) -> None:
        """The page's changes to threads it read, in one statement.

        The flush writes each changed thread with the columns it changed, one UPDATE for
        each run of threads that changed the same ones: most runs are of one thread (a
        20,000-mail sync sent 2,700 statements, each costing the ORM far more than the
        database). Here every row carries every column any of them changed (a value that
        did not change is written as it is). Then the session lets go of them, so that
        the flush leaves them alone: they are stored as they are, and what is left of the
        page needs no more of them than their ids.
        """
        changed = [(thread, _changed(thread)) for thread in self._threads.values()]
        changed = [(thread, names) for thread, names in changed if names]
        if not changed:
            return
        columns = sorted(set().union(*(names for _, names in changed)))
        rows = [{"id": t.id, **{name: getattr(t, name) for name in columns}} for t, _ in changed]
        store.save_columns(self.session, rows)
        for thread, _ in changed:
            self.session.expunge(thread)

    def _insert_opened(self) -> None:
        """The page's new threads, in one statement (Core), and their ids.

        They never join the session: it would track each one, and on SQLite insert them
        in one statement with a placeholder per column of every thread, parsed anew for
        each page, so as to return the ids. PostgreSQL gives the ids first, from its
        sequence; SQLite numbers the rows as it inserts them (in this order, as the flush
        did), and they are read back by ref, which is unique per user.
        """
        if not self._opened:
            return
        numbered = self.session.get_bind().dialect.name == "postgresql"
        if numbered:
            self._number_opened()
        names = sorted(store.THREAD_COLUMNS if numbered else store.THREAD_COLUMNS - {"id"})
        # As held: each column was set when the thread was made (`new_thread_row`) or since.
        rows = [{name: thread.__dict__[name] for name in names} for thread in self._opened]
        self.session.execute(insert(cast(Table, Thread.__table__)), rows)
        if not numbered:
            ids = self._ids_by_ref([thread.ref for thread in self._opened])
            for thread in self._opened:
                thread.id = ids[thread.ref]
        self._opened.clear()

    def _number_opened(self) -> None:
        """Give the page's new threads their ids from the ids' sequence, a query for all."""
        query = text(
            "SELECT nextval(pg_get_serial_sequence('threads', 'id')) FROM generate_series(1, :n)"
        )
        ids = self.session.execute(query, {"n": len(self._opened)}).scalars().all()
        for thread, number in zip(self._opened, sorted(ids), strict=True):
            thread.id = number

    def _ids_by_ref(self, refs: Sequence[int]) -> dict[int, int]:
        found: dict[int, int] = {}
        for chunk in _chunks(refs):
            query = select(Thread.ref, Thread.id).where(
                Thread.user_id == self.user_id, Thread.ref.in_(chunk)
            )
            found.update((ref, thread_id) for ref, thread_id in self.session.execute(query))
        return found

    def write_messages(self) -> None:
        """The page's new messages and events, a statement each, once their threads have
        ids (`write_threads`)."""
        rows = [
            {**{name: getattr(row, name) for name in _COLUMNS}, "thread_id": _id(row.thread)}
            for row in self._new
        ]
        if rows:
            self.session.execute(insert(cast(Table, MessageRow.__table__)), rows)  # Core
        events = [{**values, "thread_id": thread.id} for thread, values in self._events]
        if events:
            self.session.execute(insert(cast(Table, Event.__table__)), events)
        self._new.clear()
        self._events.clear()

    def count_written(self, known: dict[str, int], emails: set[str], at: datetime) -> None:
        """The user wrote to `emails`: count it (and keep `known`, the viewer's map, in step)."""
        users.count_written(self.session, self.user_id, known, emails, at, self.contacts)


@dataclass(slots=True)
class NewMessage:
    """A message row of this page, written with the others by `write_messages`. Not an ORM
    object: the session would insert them one at a time on SQLite (it wants each new id
    back, and SQLite cannot say which id went to which row), and nothing needs them after."""

    user_id: int
    folder: str
    message_id: str
    thread: Thread | None  # its id is known once the page's flush wrote the thread
    provider_id: str
    sender_email: str
    counterpart: str
    in_reply_to: str | None
    subject_key: str
    at: datetime
    own: bool


_COLUMNS: Final = tuple(f.name for f in fields(NewMessage) if f.name != "thread")


def _changed(thread: Thread) -> frozenset[str]:
    """The columns of a stored thread set since it was read (maybe to the same value)."""
    state = inspect(thread)
    return store.THREAD_COLUMNS - state.unmodified if state.modified else frozenset()


def _id(thread: Thread | None) -> int | None:
    return thread.id if thread is not None else None


@dataclass(frozen=True, slots=True)
class _Sent:
    """Mail the user sent, as far as telling whether it answered another needs."""

    id: int
    at: datetime
    in_reply_to: str | None
    subject_key: str
    counterpart: str


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A thread not loaded (yet): what choosing among a subject's threads looks at."""

    id: int
    sender_email: str
    state: str


def _referenced(mail: Mail) -> tuple[str, ...]:
    return conversation.referenced_ids(mail)


def _pairs(mail: Mail) -> list[tuple[str, str]]:
    """(subject key, person) of the threads a mail may belong to: its sender's for mail
    received ("" when it has none: the thread it opens is filed under that), its
    recipients' for mail sent."""
    key = conversation.subject_key(mail.subject)
    if mail.folder is Folder.SENT:
        return [(key, person.email) for person in mail.recipients]
    return [(key, mail.sender.email if mail.sender else "")]


def _paired(key: Any, person: Any, pairs: Sequence[tuple[str, str]]) -> list[Any]:
    """SQL conditions for rows whose (`key`, `person`) is among `pairs`, or rarely another
    pair of the same keys and people: the caller checks each row.

    By key, then by the pair joined by a line break (one value, looked up in a hash
    table); by person too when the combinations of keys and people are few, as each is
    a probe of an index on both (a page's hundreds of keys and people made 40,000). Not
    as row values: a list of those is compared pair by pair with each row on PostgreSQL.
    """
    if len(pairs) == 1:  # (asked later, one at a time: a statement cached once compiled)
        return [key == pairs[0][0], person == pairs[0][1]]
    keys, people = {k for k, _ in pairs}, {p for _, p in pairs}
    paired = [key.in_(keys), (key + "\n" + person).in_([f"{k}\n{p}" for k, p in pairs])]
    if len(keys) * len(people) <= _FEW_COMBINATIONS * len(pairs):
        paired.append(person.in_(people))
    return paired


_FEW_COMBINATIONS = 4  # per pair asked: probing each combination of keys and people costs less


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    """`values` in lists of at most `size`."""
    iterator = iter(values)
    while chunk := list(islice(iterator, size)):
        yield chunk
