"""Holding replies and forwards through the fake Graph: in the thread, in Sent Items, once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.mail import MARKER_HEADER, Address, Folder, Outgoing, Verb
from bot.core.ports import Mailbox, MailError
from bot.mail.graph import GraphProvider
from bot.mail.graph_items import MARKER
from tests.graph.conftest import NOW, SINCE
from tests.graph.fake_delta import canonical
from tests.graph.fake_graph import SEND, FakeGraph
from tests.graph.fake_mailbox import Box, Message, received_message

HUONG = Mailbox("huong@congty.vn", "graph", "huong@congty.vn")
ME = Address("huong@congty.vn", "Nguyễn Thu Hương")
MINH = Address("minh@doitac.vn", "Trần Minh")


@pytest.fixture
def box(graph: FakeGraph) -> Box:
    return graph.add_mailbox(HUONG.locator, ME.name)


@pytest.fixture
def original(box: Box) -> Message:
    return received_message(
        box,
        sender=(MINH.name, MINH.email),
        subject="Báo giá tháng 3",
        text="Chị gửi giúp em báo giá nhé.",
        received=NOW - timedelta(hours=5),
        attachments=[("yeu-cau.xlsx", "application/vnd.ms-excel", 9_000, False)],
    )


def holding(marker: str = "hold:7:2026-03-27") -> Outgoing:
    return Outgoing(
        ME,
        (MINH,),
        "Re: Báo giá tháng 3",
        "Em sẽ gửi báo giá trước thứ Sáu 27/3.",
        "replyminder.abc@congty.vn",
        marker,
        in_reply_to="x@doitac.vn",
    )


def forward_to_lan() -> Outgoing:
    lan = Address("lan@congty.vn", "Lê Lan")
    return Outgoing(
        ME,
        (lan,),
        "Fwd: Báo giá tháng 3",
        "Chào anh/chị Lan, nhờ chị xử lý giúp.",
        "replyminder.def@congty.vn",
        "forward:7:lan@congty.vn",
    )


def test_reply_is_sent_in_the_thread_and_kept_in_sent_items(
    graph: FakeGraph, box: Box, original: Message, provider: GraphProvider
) -> None:
    """The holding reply goes to Minh under his mail, with the marker, and stays in Sent Items."""
    provider.reply(HUONG, original.id, holding())
    [sent] = graph.outbound
    assert (
        [{"emailAddress": {"address": MINH.email, "name": MINH.name}}],
        "Re: Báo giá tháng 3",
    ) == (sent["toRecipients"], sent["subject"])
    assert original.data["internetMessageId"] == sent["properties"]["String 0x1042"]
    assert "Em sẽ gửi báo giá trước thứ Sáu 27/3." in sent["body"]["content"]
    assert ["sentitems"] == [m.folder for m in box.messages.values() if m.id != original.id]


def test_sent_reply_comes_back_as_the_bots_own(
    box: Box, original: Message, provider: GraphProvider
) -> None:
    """Through the Sent Items delta the reply carries the marker and answers the original."""
    provider.reply(HUONG, original.id, holding())
    [mail] = [m for page in provider.sync(HUONG, Folder.SENT, None, SINCE) for m in page.mails]
    expected = (
        "hold:7:2026-03-27",
        original.data["internetMessageId"].strip("<>"),
        original.data["conversationId"],
    )
    assert expected == (mail.header(MARKER_HEADER), mail.in_reply_to, mail.conversation_id)


def test_original_is_marked_replied(box: Box, original: Message, provider: GraphProvider) -> None:
    """Exchange marks the original as replied to: the next inbox pass reports it so."""
    provider.reply(HUONG, original.id, holding())
    [mail] = [m for page in provider.sync(HUONG, Folder.INBOX, None, SINCE) for m in page.mails]
    assert (Verb.REPLIED, NOW) == (mail.last_verb, mail.last_verb_at)


def test_a_retried_reply_is_not_sent_twice(
    graph: FakeGraph, original: Message, provider: GraphProvider
) -> None:
    """The same marker again (a retry after a crash): found in Sent Items, nothing sent."""
    provider.reply(HUONG, original.id, holding())
    provider.reply(HUONG, original.id, holding())
    assert 1 == len(graph.outbound)
    provider.reply(HUONG, original.id, holding("hold:7:2026-03-30"))
    assert 2 == len(graph.outbound)


def test_a_draft_left_by_a_crash_is_sent_not_duplicated(
    graph: FakeGraph, box: Box, original: Message, provider: GraphProvider
) -> None:
    """A draft carrying the marker (the crash came before `send`) is the one sent."""
    graph.fail(500, times=1, path="/send")
    with pytest.raises(MailError):
        provider.reply(HUONG, original.id, holding())
    provider.reply(HUONG, original.id, holding())
    assert (1, 1) == (len(graph.outbound), len(box.in_folder("sentitems")))
    assert [] == box.in_folder("drafts")


def test_forward_keeps_the_original_and_its_attachment(
    graph: FakeGraph, box: Box, original: Message, provider: GraphProvider
) -> None:
    """The forward goes to Lan with the note, the original below and its attachment."""
    provider.forward(HUONG, original.id, forward_to_lan())
    [sent] = graph.outbound
    assert ("lan@congty.vn", ["yeu-cau.xlsx"]) == (
        sent["toRecipients"][0]["emailAddress"]["address"],
        sent["attachments"],
    )
    assert (
        "nhờ chị xử lý giúp" in sent["body"]["content"]
        and "Chị gửi giúp em báo giá" in sent["body"]["content"]
    )
    assert ("forward:7:lan@congty.vn", Verb.FORWARDED) == (
        sent["properties"][canonical(MARKER)],
        next(m for p in provider.sync(HUONG, Folder.INBOX, None, SINCE) for m in p.mails).last_verb,
    )


def test_missing_send_permission_names_mail_send(
    graph: FakeGraph, original: Message, provider: GraphProvider
) -> None:
    """403 on `send`: one line naming Mail.Send; the draft stays for the next try."""
    graph.roles.discard(SEND)
    with pytest.raises(MailError) as raised:
        provider.reply(HUONG, original.id, holding())
    assert "the app needs the application permission Mail.Send with admin consent" in str(
        raised.value
    )
    assert [] == graph.outbound


def test_reply_to_a_deleted_message_says_so(
    box: Box, original: Message, provider: GraphProvider
) -> None:
    """The original is gone from the mailbox: a clear error, nothing sent."""
    box.delete(original.id)
    with pytest.raises(MailError) as raised:
        provider.reply(HUONG, original.id, holding())
    assert str(raised.value).startswith(
        "the message is no longer in huong@congty.vn: deleted or moved"
    )


def test_resolve_finds_one_person_by_any_word_of_the_name(
    graph: FakeGraph, box: Box, provider: GraphProvider
) -> None:
    """`Lan` finds "Lê Thị Lan" in the directory; an ambiguous or unknown name finds none."""
    graph.directory += [
        ("Lê Thị Lan", "lan@congty.vn"),
        ("Phạm Minh Tuấn", "tuan@congty.vn"),
        ("Phạm Văn Tuấn", "tuan.pv@congty.vn"),
    ]
    found = [provider.resolve(HUONG, name) for name in ("Lan", "Tuấn", "Khoa", '"')]
    assert [Address("lan@congty.vn", "Lê Thị Lan"), None, None, None] == found


def test_resolve_without_directory_permission_is_none(
    graph: FakeGraph, box: Box, provider: GraphProvider
) -> None:
    """Without User.Read.All the look-up quietly finds nobody (forward by address or alias)."""
    graph.roles.discard("User.Read.All")
    graph.directory.append(("Lê Thị Lan", "lan@congty.vn"))
    assert provider.resolve(HUONG, "Lan") is None
