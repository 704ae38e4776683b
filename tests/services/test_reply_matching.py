"""Reply detection without reply headers (issue 8): subjectless mail, reply-all, forwards.

Mail is synced through the real ingest (`sync_mailbox`) from a provider that serves
hand-written messages, on each database engine: once as a first sync (Sent before the
Inbox) and once as a running worker meets it (the Inbox mail first, the reply later).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from bot.core import reminders
from bot.core.mail import Address, Folder, Mail, Outgoing
from bot.core.ports import Mailbox, MailError, SyncPage
from bot.services import ingest
from bot.settings import load
from bot.store import db, threads, users

HANOI = timezone(timedelta(hours=7))
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=HANOI)
ME = Address("minh@acme.vn", "Nguyễn Văn Minh")
HOA = Address("hoa@partner.com.vn", "Phạm Hoa")
LAN = Address("lan.tran@acme.vn", "Trần Thị Lan")


class Served:
    """A provider serving each folder's messages once, then nothing new."""

    kind = "served"

    def __init__(self) -> None:
        self.waiting: dict[Folder, list[Mail]] = {Folder.SENT: [], Folder.INBOX: []}

    def sync(
        self, mailbox: Mailbox, folder: Folder, state: str | None, since: datetime
    ) -> Iterator[SyncPage]:
        mails, self.waiting[folder] = self.waiting[folder], []
        if mails:
            yield SyncPage(folder, mails, state=f"{state or 0}+{len(mails)}")

    def reply(self, mailbox: Mailbox, original: str, message: Outgoing) -> None:
        raise MailError("read-only")

    def forward(self, mailbox: Mailbox, original: str, message: Outgoing) -> None:
        raise MailError("read-only")

    def resolve(self, mailbox: Mailbox, name: str) -> Address | None:
        return None


def incoming(subject: str, minutes: int = 0) -> Mail:
    return Mail(
        folder=Folder.INBOX, provider_id=f"in-{minutes}", message_id=f"in-{minutes}@partner",
        subject=subject, sender=HOA, received_at=T0 + timedelta(minutes=minutes), to=(ME,),
        text="Anh Minh, anh xem giúp em được không?",
    )  # fmt: skip


def outgoing(subject: str, to: tuple[Address, ...], minutes: int, text: str = "Ok.") -> Mail:
    at = T0 + timedelta(minutes=minutes)
    return Mail(
        folder=Folder.SENT, provider_id=f"out-{minutes}", message_id=f"out-{minutes}@acme",
        subject=subject, sender=ME, received_at=at, sent_at=at, to=to, text=text,
    )  # fmt: skip


def run(store: db.Store, batches: list[tuple[list[Mail], list[Mail]]]) -> str:
    """Sync each (sent, inbox) batch in turn; the state of the thread Hoa opened."""
    with store.unit() as session:
        mailbox = Mailbox(ME.email, Served.kind, "-")
        user = users.add_user(session, ME, "vi", "Asia/Ho_Chi_Minh", mailbox, T0)
        session.flush()
        mailbox_id, user_id = users.mailbox_of(session, user).id, user.id
    org = ingest.Org(frozenset({"acme.vn"}), reminders.Policy(), load({}, env_file=None).calendar)
    provider = Served()
    for step, (sent, inbox) in enumerate(batches):
        provider.waiting = {Folder.SENT: sent, Folder.INBOX: inbox}
        ingest.sync_mailbox(store, provider, mailbox_id, org, T0 + timedelta(hours=step + 1))
    with store.session() as session:
        (found,) = [t for t in threads.all_threads(session, user_id) if t.sender_email == HOA.email]
        return found.state


QUOTE = (
    "Ok.\n\n-----Original Message-----\nFrom: Pham, Hoa [mailto:hoa@partner.com.vn]\n"
    "Sent: Tuesday, December 01, 2026 9:00 AM\nTo: Minh\nSubject: {subject}\n"
)


@pytest.mark.parametrize("first_sync", [True, False])
def test_a_subjectless_mail_answered_with_a_bare_re(store: db.Store, first_sync: bool) -> None:
    """A blank subject answered "RE:" to the same person is answered, in either order."""
    mail, reply = incoming(""), outgoing("RE:", (HOA,), 30)
    batches = [([reply], [mail])] if first_sync else [([], [mail]), ([reply], [])]
    assert "answered" == run(store, batches)


def test_a_reply_all_answers_the_sender_it_quotes(store: db.Store) -> None:
    """Hoa is second in To of the reply-all; its quoted From names her: answered."""
    mail = incoming("Báo giá tháng 12")
    reply = outgoing("RE: Báo giá tháng 12", (LAN, HOA), 30, QUOTE.format(subject=mail.subject))
    assert "answered" == run(store, [([reply], [mail])])


def test_a_reply_after_a_forward_answers_the_sender(store: db.Store) -> None:
    """Forwarded to Lan first, then answered to Hoa: the thread ends answered."""
    mail = incoming("Hợp đồng")
    forward = outgoing("FW: Hợp đồng", (LAN,), 10, QUOTE.format(subject="Hợp đồng"))
    reply = outgoing("RE: Hợp đồng", (HOA,), 40)
    assert "answered" == run(store, [([], [mail]), ([forward], []), ([reply], [])])
