"""Holding replies, forwards and name look-ups through Exchange, read back from the fake server."""

from __future__ import annotations

import pytest

from bot.core.mail import Address, Folder, Outgoing
from bot.core.ports import MailError
from bot.mail.exchange import ExchangeProvider
from tests.exchange.conftest import HUONG, LAN, MINH, mailbox, since
from tests.exchange.fake_ews import FakeEws
from tests.exchange.fake_ews_store import LAST_VERB, Item

ME = Address(HUONG[1], HUONG[0])
HOLD = Outgoing(
    sender=ME,
    to=(Address(MINH[1], MINH[0]),),
    subject="Re: Báo giá tháng 12",
    body="Chào anh Minh,\n\nEm sẽ trả lời anh trước thứ Sáu 4/12.\n\nHương",
    message_id="replyminder.a1@saomai.vn",
    marker="hold:7:2026-12-04",
    in_reply_to="bg12@doitac.vn",
)
FORWARD = Outgoing(
    sender=ME,
    to=(Address(LAN[1], LAN[0]),),
    subject="Fw: Báo giá tháng 12",
    body="Chào chị Lan,\n\nNhờ chị xem giúp báo giá này.\n\nHương",
    message_id="replyminder.b2@saomai.vn",
    marker=f"forward:7:{LAN[1]}",
)


@pytest.fixture
def original(fake: FakeEws) -> Item:
    return fake.deliver(
        HUONG[1], "Báo giá tháng 12", MINH, body="Gửi chị báo giá.", message_id="<bg12@doitac.vn>"
    )


def test_a_holding_reply_is_a_real_reply_in_the_thread(
    fake: FakeEws, provider: ExchangeProvider, original: Item
) -> None:
    """ReplyToItem: threaded under the original, the body above the quote, the marker header set."""
    provider.reply(mailbox(), original.id, HOLD)
    [sent] = fake.sent
    assert ("ReplyToItem", [MINH], "Re: Báo giá tháng 12") == (sent.verb, sent.to, sent.subject)
    assert ("<bg12@doitac.vn>", "<bg12@doitac.vn>") == (sent.in_reply_to, sent.references)
    assert sent.body.startswith(HOLD.body) and "Gửi chị báo giá." in sent.body
    assert {"x-replyminder": "hold:7:2026-12-04"} == sent.headers
    assert (1, 0, "102") == (
        len(fake.folder(HUONG[1], "sentitems")),
        len(fake.folder(HUONG[1], "drafts")),
        original.extended[LAST_VERB],
    )


def test_the_sent_copy_comes_back_marked_as_the_bots_own(
    fake: FakeEws, provider: ExchangeProvider, original: Item
) -> None:
    """Sent Items gives the reply back with X-Replyminder, which ingest reads as the bot's."""
    provider.reply(mailbox(), original.id, HOLD)
    [mail] = [m for p in provider.sync(mailbox(), Folder.SENT, None, since(fake)) for m in p.mails]
    assert ("hold:7:2026-12-04", "bg12@doitac.vn") == (
        mail.header("x-replyminder"),
        mail.in_reply_to,
    )


def test_a_forward_carries_the_note_and_the_original(
    fake: FakeEws, provider: ExchangeProvider, original: Item
) -> None:
    """ForwardItem to the colleague: the note first, the original quoted below."""
    provider.forward(mailbox(), original.id, FORWARD)
    [sent] = fake.sent
    assert ("ForwardItem", [LAN], "Fw: Báo giá tháng 12") == (sent.verb, sent.to, sent.subject)
    assert sent.body.startswith(FORWARD.body) and "Gửi chị báo giá." in sent.body
    assert ({"x-replyminder": FORWARD.marker}, "104") == (
        sent.headers,
        original.extended[LAST_VERB],
    )


def test_a_retried_send_does_not_send_twice(
    fake: FakeEws, provider: ExchangeProvider, original: Item
) -> None:
    """The outbox retries after a crash: Sent Items holds the marker, so nothing goes out."""
    provider.reply(mailbox(), original.id, HOLD)
    before = len(fake.calls)
    provider.reply(mailbox(), original.id, HOLD)
    assert (1, ["FindItem"]) == (len(fake.sent), [c.operation for c in fake.calls[before:]])


def test_a_draft_left_by_a_crash_is_sent_rather_than_made_again(
    fake: FakeEws, provider: ExchangeProvider, original: Item
) -> None:
    """Created and marked, not yet sent when the worker died: the retry sends that draft."""
    draft = fake.store.respond(
        "ReplyToItem", original, "drafts", subject=HOLD.subject, body="Bản nháp", to=[MINH]
    )
    draft.extended[("name", "InternetHeaders", "x-replyminder")] = HOLD.marker
    provider.reply(mailbox(), original.id, HOLD)
    assert (["Bản nháp"], 0) == (
        [s.body.split("\n")[0] for s in fake.sent],
        fake.count("CreateItem"),
    )


def test_a_failed_marking_leaves_no_unmarked_draft(
    fake: FakeEws, provider: ExchangeProvider, original: Item
) -> None:
    """UpdateItem fails for good: the draft is deleted, nothing is sent, the error is one line."""
    fake.fail("html500", "UpdateItem")
    with pytest.raises(MailError) as raised:
        provider.reply(mailbox(), original.id, HOLD)
    assert ([], [], 1) == (
        fake.sent,
        fake.folder(HUONG[1], "drafts"),
        len(str(raised.value).splitlines()),
    )


def test_replying_to_a_message_that_is_gone_is_a_clear_error(
    fake: FakeEws, provider: ExchangeProvider, original: Item
) -> None:
    """Moved or deleted since the sync: MailError, and nothing sent."""
    fake.store.remove(original)
    with pytest.raises(MailError) as raised:
        provider.reply(mailbox(), original.id, HOLD)
    assert ("the message is no longer in the mailbox (moved or deleted)", []) == (
        str(raised.value),
        fake.sent,
    )


def test_names_resolve_to_the_one_person_the_directory_knows(
    fake: FakeEws, provider: ExchangeProvider
) -> None:
    """One match → the address; none (an error inside the result list) or several → None."""
    fake.directory.append(("Lê Văn Long", "long@saomai.vn"))
    found = [provider.resolve(mailbox(), name) for name in ("Lê Thị Lan", "Long", "Không Ai", "Lê")]
    assert [Address(LAN[1], LAN[0]), Address("long@saomai.vn", "Lê Văn Long"), None, None] == found
