"""Reply detection on the Enron mailboxes, through the product's real ingest.

Each mailbox is synced by `ingest.sync_mailbox` into a throwaway SQLite database, the way
a first sync of a real mailbox runs: Sent first, then the Inbox, in pages. The provider
here serves the corpus files instead of a mail server: the sent folders as Sent, every
other folder's mail (not from the owner) as the Inbox, each folder oldest first, so the
copies of one message in several folders arrive as the separate messages they are.

A received message of the ground truth (`enron.Mailbox.answered`) counts as detected
when the thread of every copy the product filed was marked answered after the copy had
arrived (a later message of the same conversation may reopen it: that is a new question,
not a missed answer); one copy left unanswered would still be nagged about.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

from sqlalchemy import select

from bot.core import reminders
from bot.core.calendar import Calendars
from bot.core.mail import Address, Folder, Mail, Outgoing
from bot.core.ports import Mailbox, MailError, SyncPage
from bot.evaluation import corpora, enron
from bot.evaluation.metrics import Rate
from bot.services import ingest
from bot.store import db, users
from bot.store.models import Event, MessageRow

PAGE: Final = 500
INTERNAL: Final = frozenset({"enron.com"})
AFTER: Final = datetime(2003, 1, 1, tzinfo=UTC)  # "now": after the last mail of the corpus


class CorpusProvider:
    """A read-only mail provider over parsed corpus messages (the port's other half fails).

    `until` moves its clock: a pass reports what arrived since the last one, up to it.
    """

    kind = "corpus"

    def __init__(self, sent: Sequence[Mail], inbox: Sequence[Mail]) -> None:
        self._folders = {Folder.SENT: list(sent), Folder.INBOX: list(inbox)}
        self.until = max((_at(m) for m in [*sent, *inbox]), default=AFTER)

    def sync(
        self, mailbox: Mailbox, folder: Folder, state: str | None, since: datetime
    ) -> Iterator[SyncPage]:
        mails, done = self._folders[folder], int(state or 0)
        end = done
        while end < len(mails) and _at(mails[end]) <= self.until:
            end += 1
        for start in range(done, end, PAGE):
            page = mails[start : min(start + PAGE, end)]
            seen = start + len(page)
            yield SyncPage(folder, page, state=str(seen), seen=seen, total=len(mails))

    def reply(self, mailbox: Mailbox, original: str, message: Outgoing) -> None:
        raise MailError("the corpus is read-only")

    def forward(self, mailbox: Mailbox, original: str, message: Outgoing) -> None:
        raise MailError("the corpus is read-only")

    def resolve(self, mailbox: Mailbox, name: str) -> Address | None:
        return None


def _at(mail: Mail) -> datetime:
    return mail.sent_at or mail.received_at if mail.folder is Folder.SENT else mail.received_at


@dataclass(frozen=True, slots=True)
class Outcome:
    user: str
    detected: Rate  # replies: the message marked answered
    forwards: Rate  # forwards: the message marked forwarded (or answered)
    messages: int  # messages ingested


def _read(paths: Sequence[Path], root: Path, box: Folder) -> list[Mail]:
    found = (corpora.read(path, root, box) for path in paths)
    return sorted((m.mail for m in found if m is not None), key=_at)


def replay(
    box: enron.Mailbox,
    root: Path,
    calendar: Calendars,
    *,
    live: bool = True,
    noise: int | None = None,
) -> Outcome:
    """Sync `box` through the product and check the ground truth against its threads.

    `live`: one sync pass per hour that saw mail, as a running worker would meet the
    mailbox; otherwise one first sync of the whole mailbox (Sent, then the Inbox).
    `noise`: besides the ground truth's own copies, only that many other received
    messages (a quick run); all of them when None.
    """
    copies = _copies(box, noise)
    sent, inbox = _read(box.sent, root, Folder.SENT), _read(copies, root, Folder.INBOX)
    provider = CorpusProvider(sent, inbox)
    with tempfile.TemporaryDirectory(prefix="replyminder-eval-") as scratch:
        store = db.connect(f"sqlite:///{scratch}/eval.db")
        try:
            db.upgrade(store)
            mailbox_id = _register(store, box)
            org = ingest.Org(INTERNAL, reminders.Policy(), calendar, lookback=timedelta(days=9999))
            for moment in _passes([*sent, *inbox]) if live else [provider.until]:
                provider.until = moment
                ingest.sync_mailbox(store, provider, mailbox_id, org, moment)
            detected, forwards = _check(store, box, root)
        finally:
            store.engine.dispose()
    return Outcome(box.user, detected, forwards, len(sent) + len(inbox))


def _copies(box: enron.Mailbox, noise: int | None) -> list[Path]:
    every = [c.path for cs in box.received.values() for c in cs]
    if noise is None:
        return every
    wanted = {*box.answered, *box.forwarded}
    own = [c.path for key in sorted(wanted) for c in box.received[key]]
    others = [path for path in every if path not in set(own)]
    return own + corpora.sample(others, noise)


def _passes(mails: Sequence[Mail]) -> list[datetime]:
    """The end of every hour in which some mail arrived, in order."""
    hours = {_at(m).astimezone(UTC).replace(minute=0, second=0, microsecond=0) for m in mails}
    return [hour + timedelta(hours=1) for hour in sorted(hours)]


def _register(store: db.Store, box: enron.Mailbox) -> int:
    email = box.own_addresses[0] if box.own_addresses else f"{box.user}@enron.com"
    with store.unit() as session:
        mailbox = Mailbox(email, CorpusProvider.kind, box.user)
        user = users.add_user(session, Address(email), "en", "America/Chicago", mailbox, AFTER)
        session.flush()
        return users.mailbox_of(session, user).id


def _check(store: db.Store, box: enron.Mailbox, root: Path) -> tuple[Rate, Rate]:
    """Each ground-truth message: was its thread marked answered (for a forward: answered
    or forwarded) once it had arrived?"""
    ids = {str(c.path.relative_to(root)): c.key for cs in box.received.values() for c in cs}
    with store.session() as session:
        copies = session.execute(
            select(MessageRow.provider_id, MessageRow.at, MessageRow.thread_id).where(
                MessageRow.folder == Folder.INBOX.value, MessageRow.thread_id.is_not(None)
            )
        ).all()
        events = session.execute(
            select(Event.thread_id, Event.action, Event.at).where(
                Event.action.in_(["answered", "forwarded"])
            )
        ).all()
    marks: dict[int, list[tuple[str, datetime]]] = {}
    for thread_id, action, at in events:
        marks.setdefault(thread_id, []).append((action, at))
    found: dict[enron.Key, list[set[str]]] = {}
    for provider_id, arrived, filed_in in copies:
        if provider_id in ids and filed_in is not None:
            later = {action for action, at in marks.get(filed_in, []) if at >= arrived}
            found.setdefault(ids[provider_id], []).append(later)
    replied = _score(box.user, box.answered, found, {"answered"})
    handed_on = _score(box.user, box.forwarded, found, {"answered", "forwarded"})
    return replied, handed_on


def _score(
    user: str, truth: dict[enron.Key, Path], found: dict[enron.Key, list[set[str]]], ok: set[str]
) -> Rate:
    """Every copy of each message must carry one of the `ok` marks (none filed: a miss)."""
    rate = Rate()
    for key in sorted(truth):
        copies = found.get(key, [set()])
        rate.add(f"{user}: {key[2]!r} from {key[1]} ({key[0]})", all(c & ok for c in copies))
    return rate
