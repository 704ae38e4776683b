"""Delta sync of Inbox and Sent Items through the fake Graph: pages, links, state, resync."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.core.mail import MARKER_HEADER, Address, Attachment, Folder, Verb
from bot.core.ports import Mailbox, MailError, SyncPage
from bot.mail.graph import GraphProvider
from tests.graph.conftest import NOW, SINCE
from tests.graph.fake_graph import FakeGraph
from tests.graph.fake_mailbox import Box, received_message, sent_message

HUONG = Mailbox("huong@congty.vn", "graph", "huong@congty.vn")


@pytest.fixture
def box(graph: FakeGraph) -> Box:
    return graph.add_mailbox(HUONG.locator, "Nguyễn Thu Hương")


def deliver(box: Box, number: int, days_ago: float = 1.0, **extra: object) -> str:
    message = received_message(
        box,
        sender=(f"Khách {number}", f"khach{number}@doitac.vn"),
        subject=f"Báo giá {number}",
        text=f"Chào chị Hương, xin báo giá số {number}.",
        received=NOW - timedelta(days=days_ago, minutes=number),
        **extra,  # type: ignore[arg-type]
    )
    return message.id


def sync(
    provider: GraphProvider, folder: Folder = Folder.INBOX, state: str | None = None
) -> list[SyncPage]:
    return list(provider.sync(HUONG, folder, state, SINCE))


def subjects(pages: list[SyncPage]) -> list[str]:
    return sorted(mail.subject for page in pages for mail in page.mails)


def test_first_sync_pages_with_progress(
    graph: FakeGraph, box: Box, provider: GraphProvider
) -> None:
    """250 messages in pages of 100, each page with seen/total, a deltaLink state at the end."""
    for number in range(250):
        deliver(box, number)
    pages = sync(provider)
    assert [(100, 100, 250, True), (100, 200, 250, True), (50, 250, 250, True)] == [
        (len(p.mails), p.seen, p.total, p.first) for p in pages
    ]
    assert 250 == len({mail.message_id for page in pages for mail in page.mails})
    assert "$skiptoken=" in json.loads(pages[0].state)["link"]
    assert "$deltatoken=" in json.loads(pages[-1].state)["link"]


def test_first_sync_looks_back_only_to_since(
    graph: FakeGraph, box: Box, provider: GraphProvider
) -> None:
    """Mail received before `since` is neither counted nor downloaded."""
    deliver(box, 1, days_ago=2)
    deliver(box, 2, days_ago=30)
    pages = sync(provider)
    assert (["Báo giá 1"], 1) == (subjects(pages), pages[-1].total)


def test_requests_ask_for_immutable_ids_and_big_pages(
    graph: FakeGraph, box: Box, provider: GraphProvider
) -> None:
    """Every request prefers immutable ids; delta requests ask for 100 messages a page."""
    deliver(box, 1)
    sync(provider)
    assert all('IdType="ImmutableId"' in seen.prefer for seen in graph.requests)
    delta = [seen for seen in graph.requests if seen.path.endswith("/delta")]
    assert all("odata.maxpagesize=100" in seen.prefer for seen in delta)


def test_attachment_content_never_crosses_the_wire(
    graph: FakeGraph, box: Box, provider: GraphProvider
) -> None:
    """Only attachment metadata is asked for; a logo drawn in the body is not an attachment."""
    deliver(
        box,
        1,
        attachments=[
            ("hop-dong.pdf", "application/pdf", 48_213, False),
            ("image001.png", "image/png", 5_120, True),
        ],
    )
    mail = sync(provider)[0].mails[0]
    assert (Attachment("hop-dong.pdf", "application/pdf", 48_213),) == mail.attachments
    assert [] == graph.content_served


def test_idle_tick_is_one_request_per_folder(
    graph: FakeGraph, box: Box, provider: GraphProvider
) -> None:
    """With nothing new, a pass follows each deltaLink once and downloads no message."""
    for number in range(30):
        deliver(box, number)
    sent_message(
        box,
        to=("Khách 1", "khach1@doitac.vn"),
        subject="Re: Báo giá 1",
        text="Đã nhận.",
        sent=NOW - timedelta(hours=3),
        in_reply_to=None,
    )
    states = {folder: sync(provider, folder)[-1].state for folder in (Folder.INBOX, Folder.SENT)}
    before = len(graph.requests)
    idle = {folder: sync(provider, folder, states[folder]) for folder in states}
    assert 2 == len(graph.requests) - before
    assert [[], []] == [[m for p in pages for m in p.mails] for pages in idle.values()]


def test_incremental_pass_brings_only_what_changed(
    graph: FakeGraph, box: Box, provider: GraphProvider
) -> None:
    """After a complete pass, the deltaLink brings the new mail and the changed one only."""
    first = deliver(box, 1)
    deliver(box, 2)
    state = sync(provider)[-1].state
    deliver(box, 3, days_ago=0.01)
    box.set_verb(first, "reply", NOW - timedelta(minutes=5))
    pages = sync(provider, state=state)
    assert ["Báo giá 1", "Báo giá 3"] == subjects(pages)
    replied = next(m for p in pages for m in p.mails if m.subject == "Báo giá 1")
    assert (Verb.REPLIED, NOW - timedelta(minutes=5)) == (replied.last_verb, replied.last_verb_at)


def test_removed_messages_are_skipped(graph: FakeGraph, box: Box, provider: GraphProvider) -> None:
    """A deleted message comes as `@removed` and yields no mail (threads stay as they were)."""
    doomed = deliver(box, 1)
    state = sync(provider)[-1].state
    box.delete(doomed)
    pages = sync(provider, state=state)
    assert ([], 1, 0) == ([m for p in pages for m in p.mails], pages[-1].seen, pages[-1].skipped)


def test_resume_from_a_next_link_goes_on_where_it_stopped(
    graph: FakeGraph, box: Box, provider: GraphProvider
) -> None:
    """A pass stopped after its first page resumes from that page's nextLink with its progress."""
    for number in range(250):
        deliver(box, number)
    first_page = next(iter(provider.sync(HUONG, Folder.INBOX, None, SINCE)))
    rest = sync(provider, state=first_page.state)
    assert [(100, 200, 250), (50, 250, 250)] == [(len(p.mails), p.seen, p.total) for p in rest]
    assert 250 == len(set(subjects([first_page, *rest])))


def test_expired_link_resyncs_from_since(
    graph: FakeGraph, box: Box, provider: GraphProvider
) -> None:
    """410 SyncStateNotFound: the folder starts over from `since`, in the same pass."""
    deliver(box, 1)
    state = sync(provider)[-1].state
    deliver(box, 2, days_ago=0.01)
    graph.links.expire()
    pages = sync(provider, state=state)
    assert ["Báo giá 1", "Báo giá 2"] == subjects(pages)
    assert "$deltatoken=" in json.loads(pages[-1].state)["link"]


def test_link_to_another_host_is_not_followed(
    graph: FakeGraph, box: Box, provider: GraphProvider
) -> None:
    """A stored link on a host other than GRAPH_URL's starts over: the token stays home."""
    deliver(box, 1)
    stale = json.dumps(
        {"v": 1, "link": "https://graph.example.org/v1.0/users('x')/messages/delta?$deltatoken=a"}
    )
    assert ["Báo giá 1"] == subjects(sync(provider, state=stale))


def test_message_is_normalized_like_exchange(
    graph: FakeGraph, box: Box, provider: GraphProvider
) -> None:
    """Ids, threading, headers, importance, recipients and HTML text come out as Maildir's do."""
    parent = received_message(
        box,
        sender=("Trần Minh", "minh@doitac.vn"),
        subject="Hợp đồng",
        text="Gửi chị bản hợp đồng.",
        received=NOW - timedelta(days=2),
    )
    received_message(
        box,
        sender=("Trần Minh", "minh@doitac.vn"),
        subject="Re: Hợp đồng",
        text="Chị xem giúp em nhé.",
        received=NOW - timedelta(days=1),
        message_id="<abc.123@doitac.vn>",
        in_reply_to=parent,
        headers={"List-Id": "<doitac.lists.doitac.vn>"},
        importance="high",
        cc=(("Lê Lan", "lan@congty.vn"),),
    )
    mail = next(m for p in sync(provider) for m in p.mails if m.subject == "Re: Hợp đồng")
    parent_id = parent.data["internetMessageId"].strip("<>")
    assert ("abc.123@doitac.vn", parent_id, (parent_id,)) == (
        mail.message_id,
        mail.in_reply_to,
        mail.references,
    )
    assert (Address("minh@doitac.vn", "Trần Minh"), (Address("lan@congty.vn", "Lê Lan"),)) == (
        mail.sender,
        mail.cc,
    )
    assert ("high", "<doitac.lists.doitac.vn>") == (
        mail.header("importance"),
        mail.header("list-id"),
    )
    assert (parent.data["conversationId"], "Chị xem giúp em nhé.") == (
        mail.conversation_id,
        mail.text.strip(),
    )
    assert (NOW - timedelta(days=1)) == mail.received_at


def test_bot_marker_comes_back_from_sent_items(
    graph: FakeGraph, box: Box, provider: GraphProvider
) -> None:
    """The X-Replyminder extended property of a sent item is read as the marker header."""
    sent = sent_message(
        box,
        to=("Khách", "khach@doitac.vn"),
        subject="Re: Hỏi",
        text="Em sẽ trả lời sau.",
        sent=NOW - timedelta(hours=1),
        in_reply_to=None,
    )
    sent.properties["String {00020386-0000-0000-C000-000000000046} Name X-Replyminder"] = (
        "hold:7:2026-03-27"
    )
    mail = sync(provider, Folder.SENT)[0].mails[0]
    assert "hold:7:2026-03-27" == mail.header(MARKER_HEADER)


def test_unknown_mailbox_is_unavailable(graph: FakeGraph, provider: GraphProvider) -> None:
    """A mailbox Exchange Online does not know fails the pass with one line."""
    with pytest.raises(MailError) as raised:
        sync(provider)
    assert (
        "no Exchange Online mailbox for huong@congty.vn (404 ErrorInvalidUser: "
        "The requested user 'huong@congty.vn' is invalid.)" == str(raised.value)
    )
