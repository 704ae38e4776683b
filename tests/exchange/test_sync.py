"""Exchange sync at the protocol level: exchangelib's SOAP against the fake EWS server."""

from __future__ import annotations

import json
import logging
import random
from datetime import timedelta

import pytest
from exchangelib.protocol import Protocol

from bot.core.mail import Address, Attachment, Folder, Link, Verb
from bot.core.ports import SyncPage
from bot.mail.exchange import ExchangeProvider
from tests.exchange.conftest import HUONG, LAN, MINH, config, mailbox, since
from tests.exchange.fake_ews import FakeEws
from tests.exchange.fake_ews_store import Attached


def sync(
    provider: ExchangeProvider,
    fake: FakeEws,
    folder: Folder = Folder.INBOX,
    state: str | None = None,
) -> list[SyncPage]:
    return list(provider.sync(mailbox(), folder, state, since(fake)))


def subjects(pages: list[SyncPage]) -> list[str]:
    return sorted(mail.subject for page in pages for mail in page.mails)


def test_a_first_sync_normalizes_every_field(fake: FakeEws, provider: ExchangeProvider) -> None:
    """Ids without brackets, people, times, importance, HTML text and links, attachment metadata."""
    item = fake.deliver(
        HUONG[1],
        "Báo giá tháng 12",
        MINH,
        body='<p>Chị xem <a href="https://doitac.vn/bg.xlsx">bảng giá</a> giúp em.</p>',
        html=True,
        cc=[LAN],
        reply_to=[("Phòng Kinh doanh", "kd@doitac.vn")],
        importance="High",
        message_id="<q1@doitac.vn>",
        in_reply_to="<q0@saomai.vn>",
        references="<q-1@doitac.vn> <q0@saomai.vn>",
        headers=[("Received", "from mx1"), ("List-Id", "<kd.doitac.vn>"), ("X-Spam-Flag", "NO")],
        attachments=[
            Attached("bao-gia.xlsx", "application/vnd.ms-excel", 48213),
            Attached("image001.png", "image/png", 5120, inline=True, content_id="image001@01DB"),
            Attached("Hợp đồng", "", 12000, item=True),
        ],
    )
    [page] = sync(provider, fake)
    [mail] = page.mails
    assert (item.id, "q1@doitac.vn", "Báo giá tháng 12") == (
        mail.provider_id,
        mail.message_id,
        mail.subject,
    )
    assert Address(MINH[1], MINH[0]) == mail.sender
    assert ((Address(HUONG[1], HUONG[0]),), (Address(LAN[1], LAN[0]),)) == (mail.to, mail.cc)
    assert (Address("kd@doitac.vn", "Phòng Kinh doanh"),) == mail.reply_to
    assert ("q0@saomai.vn", ("q-1@doitac.vn", "q0@saomai.vn")) == (
        mail.in_reply_to,
        mail.references,
    )
    assert (item.conversation_id, item.received, item.sent) == (
        mail.conversation_id,
        mail.received_at,
        mail.sent_at,
    )
    assert {"importance": "high", "list-id": "<kd.doitac.vn>", "x-spam-flag": "NO"} == dict(
        mail.headers
    )
    assert "Chị xem bảng giá giúp em." == mail.text.strip()
    assert (Link("bảng giá", "https://doitac.vn/bg.xlsx"),) == mail.links
    expected = {  # exchangelib lists item attachments before file attachments
        Attachment("bao-gia.xlsx", "application/vnd.ms-excel", 48213),
        Attachment("Hợp đồng.eml", "message/rfc822", 12000),
    }
    assert (expected, 2) == (set(mail.attachments), len(mail.attachments))
    assert (None, 1, 1) == (mail.last_verb, page.seen, page.total)


def test_a_first_sync_skips_mail_older_than_the_look_back(
    fake: FakeEws, provider: ExchangeProvider
) -> None:
    """Old mail is seen (counted) but never fetched: one GetItem for the recent one only."""
    fake.deliver(HUONG[1], "Cũ", MINH, received=fake.clock - timedelta(days=40))
    fake.deliver(HUONG[1], "Mới", MINH)
    pages = sync(provider, fake)
    assert (["Mới"], 2, 1) == (subjects(pages), pages[-1].seen, fake.count("GetItem"))


def test_a_large_first_sync_comes_in_pages_with_progress(
    fake: FakeEws, provider: ExchangeProvider
) -> None:
    """1,100 messages: SyncFolderItems' own batches of 500, each a page with its own state."""
    for number in range(1100):
        fake.deliver(
            HUONG[1], f"Đơn hàng {number}", MINH, received=fake.clock - timedelta(minutes=number)
        )
    pages = sync(provider, fake)
    shape = [(len(p.mails), p.seen, p.total, json.loads(p.state)["first"]) for p in pages]
    assert [(500, 500, 1100, True), (500, 1000, 1100, True), (100, 1100, 1100, False)] == shape
    assert [True, True, True] == [page.first for page in pages]  # each page brings the past
    assert 1100 == len({mail.message_id for page in pages for mail in page.mails})
    assert (3, 11) == (fake.count("SyncFolderItems"), fake.count("GetItem"))


def test_a_pass_resumed_from_a_page_state_goes_on_from_there(
    fake: FakeEws, provider: ExchangeProvider
) -> None:
    """A page's state covers its messages and those before: resuming brings only the rest."""
    for number in range(600):
        fake.deliver(HUONG[1], f"Đơn hàng {number}", MINH)
    first_page = next(iter(provider.sync(mailbox(), Folder.INBOX, None, since(fake))))
    rest = sync(provider, fake, state=first_page.state)
    assert (500, 100) == (len(first_page.mails), sum(len(p.mails) for p in rest))
    seen = {m.message_id for m in first_page.mails} | {m.message_id for p in rest for m in p.mails}
    assert 600 == len(seen)


def test_an_unchanged_mailbox_costs_one_small_request(
    fake: FakeEws, provider: ExchangeProvider
) -> None:
    """An idle tick: one SyncFolderItems, no GetItem, no GetFolder, no version probe."""
    fake.deliver(HUONG[1], "Báo giá", MINH)
    state = sync(provider, fake)[-1].state
    before = len(fake.calls)
    pages = sync(provider, fake, state=state)
    assert ([], ["SyncFolderItems"]) == (
        [m for p in pages for m in p.mails],
        [c.operation for c in fake.calls[before:]],
    )
    assert [state] == [page.state for page in pages]  # nothing new: the same state again


def test_an_incremental_sync_fetches_only_what_changed(
    fake: FakeEws, provider: ExchangeProvider
) -> None:
    """New mail comes; a read flag or a deletion is not fetched (ingest tracks neither)."""
    read, deleted = fake.deliver(HUONG[1], "Đã đọc", MINH), fake.deliver(HUONG[1], "Đã xoá", MINH)
    state = sync(provider, fake)[-1].state
    read.is_read = True
    fake.store.touch(read, "read")
    fake.store.remove(deleted)
    fake.deliver(HUONG[1], "Thư mới", LAN)
    before = fake.count("GetItem")
    assert (["Thư mới"], 1) == (
        subjects(sync(provider, fake, state=state)),
        fake.count("GetItem") - before,
    )


def test_a_reply_sent_from_outlook_shows_in_sent_and_on_the_original(
    fake: FakeEws, provider: ExchangeProvider
) -> None:
    """Outlook's reply lands in Sent Items under the original, whose last verb says replied."""
    original = fake.deliver(HUONG[1], "Hợp đồng", MINH, message_id="<hd1@doitac.vn>")
    inbox_state = sync(provider, fake)[-1].state
    sent_state = sync(provider, fake, Folder.SENT)[-1].state
    fake.clock += timedelta(minutes=20)
    fake.reply_from_outlook(original)
    [reply] = [m for p in sync(provider, fake, Folder.SENT, sent_state) for m in p.mails]
    [again] = [m for p in sync(provider, fake, Folder.INBOX, inbox_state) for m in p.mails]
    assert ("RE: Hợp đồng", "hd1@doitac.vn", (Address(MINH[1], MINH[0]),)) == (
        reply.subject,
        reply.in_reply_to,
        reply.to,
    )
    assert ("hd1@doitac.vn", Verb.REPLIED, fake.clock) == (
        again.message_id,
        again.last_verb,
        again.last_verb_at,
    )


def test_meeting_requests_are_seen_but_not_mail(fake: FakeEws, provider: ExchangeProvider) -> None:
    """A meeting request in the Inbox is counted and left out: nobody answers it by mail."""
    fake.deliver(HUONG[1], "Họp giao ban", MINH, item_class="IPM.Schedule.Meeting.Request")
    fake.deliver(HUONG[1], "Báo giá", MINH)
    pages = sync(provider, fake)
    assert (["Báo giá"], 2) == (subjects(pages), pages[-1].seen)


def test_a_forgotten_sync_state_starts_the_folder_over(
    fake: FakeEws, provider: ExchangeProvider, caplog: pytest.LogCaptureFixture
) -> None:
    """ErrorInvalidSyncStateData: a full first sync again (ingest upserts), with a warning."""
    fake.deliver(HUONG[1], "Báo giá", MINH)
    state = sync(provider, fake)[-1].state
    fake.forget_sync_states(HUONG[1])
    fake.deliver(HUONG[1], "Hợp đồng", MINH)
    with caplog.at_level(logging.WARNING, "bot.mail.exchange"):
        pages = sync(provider, fake, state=state)
    assert (["Báo giá", "Hợp đồng"], 2) == (subjects(pages), pages[-1].total)
    assert ["Exchange forgot the sync state"] == [
        r.getMessage().split("; ")[0].split(": ")[-1] for r in caplog.records
    ]
    assert [] == subjects(sync(provider, fake, state=pages[-1].state))


def test_the_server_version_is_learned_from_the_first_answer(
    fake: FakeEws, sleeps: list[float]
) -> None:
    """No version probe: Exchange2013 first, the build the server named after, kept in the state."""
    first = ExchangeProvider(config(fake), sleep=sleeps.append, rng=random.Random(7))
    state = sync(first, fake)[-1].state
    Protocol.clear_cache()  # a restart: nothing cached in the process
    restarted = ExchangeProvider(config(fake), sleep=sleeps.append, rng=random.Random(7))
    sync(restarted, fake, state=state)
    assert ("15.1.2507.6/Exchange2013", 0) == (
        json.loads(state)["version"],
        fake.count("ConvertId"),
    )
