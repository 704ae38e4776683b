"""The MailProvider contract: what ingest and the chat commands rely on, for every provider.

Each provider runs the same tests through a harness: the provider, a mailbox on
it, a way to deliver a message into that mailbox's Inbox the way its server
would, and a way to read back what the provider sent as the outside world got
it. Maildir writes real files; Exchange talks SOAP to the loopback fake EWS
server of tests/exchange.

To add a provider (Graph, say): write a harness class with the members of
`Harness` below (build the provider against your loopback fake, deliver with
the fake's own helpers, read back from what the fake received; close it in
`close`), add it to `HARNESSES` under the provider's kind, and every test here
runs on it. A test that fails for one provider only is a difference ingest
would see: fix the provider, not the test.
"""

from __future__ import annotations

import email
import os
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import default
from email.utils import getaddresses
from pathlib import Path
from typing import Protocol

import pytest
from exchangelib.protocol import Protocol as EwsProtocol

from bot.core.clock import FixedClock
from bot.core.mail import MARKER_HEADER, Address, Folder, Mail, Outgoing
from bot.core.ports import Mailbox, MailError, MailProvider, SyncPage
from bot.mail.exchange import EwsConfig, ExchangeProvider
from bot.mail.exchange_items import deregister_properties
from bot.mail.maildir import MaildirProvider
from tests.exchange.fake_ews import PASSWORD, SERVICE_ACCOUNT, FakeEws
from tests.graph.graph_harness import GraphHarness

NOW = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
OWNER = Address("huong@saomai.vn", "Trần Thu Hương")
MINH = Address("minh@doitac.vn", "Nguyễn Văn Minh")
LAN = Address("lan@saomai.vn", "Lê Thị Lan")


@dataclass(frozen=True)
class Sent:
    """A message as its recipients got it."""

    to: tuple[str, ...]
    subject: str
    body: str
    in_reply_to: str | None  # without brackets
    marker: str


class Harness(Protocol):
    provider: MailProvider
    mailbox: Mailbox

    def deliver(self, subject: str, sender: Address, body: str, message_id: str) -> None:
        """A message arriving in the Inbox an hour before NOW."""
        ...

    def settle(self) -> None:
        """Let time pass so the mailbox's own change tracking trusts what it saw."""
        ...

    def sent(self) -> list[Sent]:
        """What the provider sent, oldest first."""
        ...

    def close(self) -> None: ...


class MaildirHarness:
    def __init__(self, root: Path) -> None:
        for sub in ("cur", "new", "tmp"):
            (root / sub).mkdir(parents=True)
        self.root = root
        self.provider = MaildirProvider(FixedClock(NOW))
        self.mailbox = Mailbox(OWNER.email, "maildir", str(root))

    def deliver(self, subject: str, sender: Address, body: str, message_id: str) -> None:
        message = EmailMessage(policy=default)
        message["From"], message["To"] = f"{sender.name} <{sender.email}>", OWNER.email
        message["Subject"], message["Message-ID"] = subject, f"<{message_id}>"
        message["Date"] = email.utils.format_datetime(NOW - timedelta(hours=1))
        message.set_content(body)
        (self.root / "new" / f"{message_id}.host").write_bytes(message.as_bytes())

    def settle(self) -> None:
        past = time.time_ns() - 60_000_000_000
        for directory in self.root.glob("**/"):
            if directory.name in ("cur", "new"):
                os.utime(directory, ns=(past, past))

    def sent(self) -> list[Sent]:
        folder = self.root / ".Sent" / "cur"
        files = (
            sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime_ns) if folder.is_dir() else []
        )
        return [_as_sent(email.message_from_bytes(p.read_bytes(), policy=default)) for p in files]

    def close(self) -> None:
        pass


def _as_sent(message: email.message.Message) -> Sent:
    assert isinstance(message, EmailMessage)
    part = message.get_body(("plain",))
    body = part.get_content() if part is not None else ""
    to = tuple(address for _, address in getaddresses([str(message["To"])]))
    replied = str(message["In-Reply-To"] or "").strip("<> ") or None
    return Sent(to, str(message["Subject"]), body, replied, str(message[MARKER_HEADER]))


class ExchangeHarness:
    def __init__(self) -> None:
        self.fake = FakeEws()
        self.fake.clock = NOW
        self.fake.mailbox(OWNER.email, OWNER.name)
        config = EwsConfig(
            url=self.fake.url, auth="basic", username=SERVICE_ACCOUNT, password=PASSWORD
        )
        self.provider = ExchangeProvider(config, sleep=lambda seconds: None, rng=random.Random(1))
        self.mailbox = Mailbox(OWNER.email, "exchange", OWNER.email)

    def deliver(self, subject: str, sender: Address, body: str, message_id: str) -> None:
        person = (sender.name, sender.email)
        self.fake.deliver(OWNER.email, subject, person, body=body, message_id=f"<{message_id}>")

    def settle(self) -> None:
        pass

    def sent(self) -> list[Sent]:
        return [
            Sent(
                tuple(e for _, e in s.to),
                s.subject,
                s.body,
                (s.in_reply_to or "").strip("<>") or None,
                s.headers.get(MARKER_HEADER, ""),
            )
            for s in self.fake.sent
        ]

    def close(self) -> None:
        self.fake.close()
        EwsProtocol.clear_cache()
        deregister_properties()


HARNESSES: dict[str, Callable[[Path], Harness]] = {
    "maildir": lambda tmp: MaildirHarness(tmp / "Maildir"),
    "exchange": lambda tmp: ExchangeHarness(),
    "graph": lambda tmp: GraphHarness(tmp, NOW, OWNER),
}


@pytest.fixture(params=sorted(HARNESSES))
def box(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    harness = HARNESSES[request.param](tmp_path)
    yield harness
    harness.close()


def sync(box: Harness, folder: Folder = Folder.INBOX, state: str | None = None) -> list[SyncPage]:
    return list(box.provider.sync(box.mailbox, folder, state, NOW - timedelta(days=14)))


def mails(pages: list[SyncPage]) -> list[Mail]:
    return sorted((m for page in pages for m in page.mails), key=lambda m: m.message_id)


def reply_to(mail: Mail, marker: str = "hold:1:2026-12-04") -> Outgoing:
    return Outgoing(
        sender=OWNER,
        to=(mail.sender or MINH,),
        subject="Re: " + mail.subject,
        body="Em sẽ trả lời anh trước thứ Sáu 4/12.",
        message_id=f"replyminder.{marker}@saomai.vn",
        marker=marker,
        in_reply_to=mail.message_id,
        references=(mail.message_id,),
    )


def test_a_first_sync_brings_the_inbox(box: Harness) -> None:
    """Each delivered message once, with its Message-ID, subject and sender; a state to go on."""
    box.deliver("Báo giá", MINH, "Chị xem giúp em.", "bg1@doitac.vn")
    box.deliver("Hợp đồng", LAN, "Em gửi hợp đồng.", "hd1@saomai.vn")
    pages = sync(box)
    found = [(m.message_id, m.subject, m.sender, m.folder) for m in mails(pages)]
    assert [
        ("bg1@doitac.vn", "Báo giá", MINH, Folder.INBOX),
        ("hd1@saomai.vn", "Hợp đồng", LAN, Folder.INBOX),
    ] == found
    assert all(page.state for page in pages)


def test_the_state_brings_only_what_is_new(box: Harness) -> None:
    """From the last state: nothing while nothing changed; then only the new message."""
    box.deliver("Báo giá", MINH, "Chị xem giúp em.", "bg1@doitac.vn")
    box.settle()
    state = sync(box)[-1].state
    assert [] == mails(sync(box, state=state))
    box.deliver("Hợp đồng", LAN, "Em gửi hợp đồng.", "hd1@saomai.vn")
    box.settle()
    assert ["hd1@saomai.vn"] == [m.message_id for m in mails(sync(box, state=state))]


def test_an_empty_sent_folder_gives_a_state(box: Harness) -> None:
    """A mailbox that never sent anything: no mail, and a state all the same."""
    pages = sync(box, Folder.SENT)
    assert ([], True) == (mails(pages), bool(pages and pages[-1].state is not None))


def test_a_reply_reaches_the_sender_in_the_thread_with_the_marker(box: Harness) -> None:
    """reply(): to the sender, threaded under the original, the body, the outbox marker."""
    box.deliver("Báo giá", MINH, "Chị xem giúp em.", "bg1@doitac.vn")
    [mail] = mails(sync(box))
    box.provider.reply(box.mailbox, mail.provider_id, reply_to(mail))
    [sent] = box.sent()
    assert ((MINH.email,), "Re: Báo giá", "bg1@doitac.vn", "hold:1:2026-12-04") == (
        sent.to,
        sent.subject,
        sent.in_reply_to,
        sent.marker,
    )
    assert "Em sẽ trả lời anh trước thứ Sáu 4/12." in sent.body


def test_the_reply_comes_back_through_sent_as_the_bots_own(box: Harness) -> None:
    """The Sent folder gives the reply back carrying the marker header and its In-Reply-To."""
    box.deliver("Báo giá", MINH, "Chị xem giúp em.", "bg1@doitac.vn")
    [mail] = mails(sync(box))
    box.provider.reply(box.mailbox, mail.provider_id, reply_to(mail))
    [back] = mails(sync(box, Folder.SENT))
    assert ("hold:1:2026-12-04", "bg1@doitac.vn", Folder.SENT) == (
        back.header(MARKER_HEADER),
        back.in_reply_to,
        back.folder,
    )


def test_a_forward_reaches_the_colleague_with_the_note(box: Harness) -> None:
    """forward(): to the colleague, the note in the body, the marker."""
    box.deliver("Báo giá", MINH, "Chị xem giúp em.", "bg1@doitac.vn")
    [mail] = mails(sync(box))
    note = Outgoing(
        sender=OWNER,
        to=(LAN,),
        subject="Fw: Báo giá",
        body="Chị Lan xem giúp em báo giá này.",
        message_id="replyminder.fw1@saomai.vn",
        marker=f"forward:1:{LAN.email}",
    )
    box.provider.forward(box.mailbox, mail.provider_id, note)
    [sent] = box.sent()
    assert ((LAN.email,), "Fw: Báo giá", note.marker) == (sent.to, sent.subject, sent.marker)
    assert "Chị Lan xem giúp em báo giá này." in sent.body


def test_the_same_send_twice_goes_once(box: Harness) -> None:
    """A retried outbox row (same marker and Message-ID): one message reaches the sender."""
    box.deliver("Báo giá", MINH, "Chị xem giúp em.", "bg1@doitac.vn")
    [mail] = mails(sync(box))
    box.provider.reply(box.mailbox, mail.provider_id, reply_to(mail))
    box.provider.reply(box.mailbox, mail.provider_id, reply_to(mail))
    assert 1 == len(box.sent())


def test_replying_to_an_unknown_message_is_a_mail_error(box: Harness) -> None:
    """A provider id the mailbox does not have: MailError, nothing sent."""
    box.deliver("Báo giá", MINH, "Chị xem giúp em.", "bg1@doitac.vn")
    [mail] = mails(sync(box))
    with pytest.raises(MailError):
        box.provider.reply(box.mailbox, "inbox/nothing-like-this", reply_to(mail))
    assert [] == box.sent()


def test_an_unknown_name_resolves_to_nobody(box: Harness) -> None:
    """resolve() answers None for a name nobody has (it never guesses)."""
    assert box.provider.resolve(box.mailbox, "Không Ai Cả") is None
