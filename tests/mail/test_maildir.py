"""The Maildir provider: incremental sync in pages, and replies and forwards into .Sent."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.clock import FixedClock
from bot.core.mail import MARKER_HEADER as MARKER
from bot.core.mail import Address, Folder, Outgoing, Verb
from bot.core.ports import Mailbox, MailboxUnavailable, MailError, SyncPage
from bot.mail.maildir import PAGE_SIZE, MaildirProvider
from bot.mail.parse import parse

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
SINCE = datetime(2026, 1, 1, tzinfo=UTC)
PROVIDER = MaildirProvider(FixedClock(NOW))


def message(number: int, date: str = "Mon, 02 Mar 2026 08:00:00 +0700") -> bytes:
    return (
        f"From: Khach {number} <khach{number}@example.vn>\nTo: huong@congty.vn\n"
        f"Subject: Message {number}\nDate: {date}\nMessage-ID: <m{number}@example.vn>\n\n"
        f"Body {number}\n"
    ).encode()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for sub in ("cur", "new", "tmp", ".Sent/cur", ".Sent/new", ".Sent/tmp"):
        (tmp_path / "Maildir" / sub).mkdir(parents=True)
    return tmp_path / "Maildir"


def mailbox(root: Path) -> Mailbox:
    return Mailbox("huong@congty.vn", "maildir", str(root))


def deliver(root: Path, name: str, raw: bytes) -> Path:
    path = root / name
    path.write_bytes(raw)
    return path


def settle(root: Path) -> None:
    """Age the directory mtimes as if the last delivery were a minute ago (they are trusted)."""
    past = time.time_ns() - 60_000_000_000
    for directory in (root / "cur", root / "new", root / ".Sent/cur", root / ".Sent/new"):
        os.utime(directory, ns=(past, past))


def sync(root: Path, folder: Folder = Folder.INBOX, state: str | None = None) -> list[SyncPage]:
    return list(PROVIDER.sync(mailbox(root), folder, state, SINCE))


def ids(pages: list[SyncPage]) -> list[str]:
    return sorted(mail.provider_id for page in pages for mail in page.mails)


def test_first_sync_finds_inbox_and_sent_in_pages(root: Path) -> None:
    """A first sync reads cur/ and new/ in pages of PAGE_SIZE with progress, and .Sent apart."""
    total = 2 * PAGE_SIZE + 203
    for number in range(total):
        name = f"cur/{number}.host:2,S" if number % 2 else f"new/{number}.host"
        deliver(root, name, message(number))
    deliver(root, ".Sent/cur/sent1.host:2,S", message(50_000))
    inbox, sent = sync(root), sync(root, Folder.SENT)
    expected_pages = [
        (PAGE_SIZE, PAGE_SIZE, total),
        (PAGE_SIZE, 2 * PAGE_SIZE, total),
        (203, total, total),
    ]
    assert expected_pages == [(len(page.mails), page.seen, page.total) for page in inbox]
    assert total == len(set(ids(inbox)))
    assert "inbox/0.host" in ids(inbox)
    assert ["sent/sent1.host"] == ids(sent)


def test_an_idle_sync_only_stats_two_directories(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With both directory mtimes unchanged, no directory is listed and no file opened."""
    deliver(root, "cur/1.host:2,", message(1))
    settle(root)
    state = sync(root)[-1].state

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("an idle sync must not list directories or open files")

    monkeypatch.setattr(os, "scandir", forbidden)
    monkeypatch.setattr("bot.mail.maildir.open", forbidden, raising=False)
    pages = sync(root, state=state)
    assert [((), state)] == [(tuple(page.mails), page.state) for page in pages]


def test_a_new_delivery_is_found_next_time(root: Path) -> None:
    """After a sync, only the newly delivered message comes."""
    deliver(root, "cur/1.host:2,S", message(1))
    settle(root)
    state = sync(root)[-1].state
    deliver(root, "new/2.host", message(2))
    assert ["inbox/2.host"] == ids(sync(root, state=state))


def test_a_move_to_cur_comes_back_under_the_same_id(root: Path) -> None:
    """new/ → cur/ with flags is a change of the same message, and "R" means replied."""
    path = deliver(root, "new/7.host", message(7))
    settle(root)
    state = sync(root)[-1].state
    path.rename(root / "cur/7.host:2,RS")
    pages = sync(root, state=state)
    expected = [("inbox/7.host", "m7@example.vn", Verb.REPLIED)]
    assert expected == [(m.provider_id, m.message_id, m.last_verb) for p in pages for m in p.mails]


def test_a_fresh_directory_mtime_is_not_trusted(root: Path) -> None:
    """A pass right after a delivery keeps no mtimes, so the next pass lists again."""
    deliver(root, "new/1.host", message(1))
    state = sync(root)[-1].state
    deliver(root, "new/2.host", message(2))  # may land in the same clock tick as the pass
    assert (None, ["inbox/2.host"]) == (json.loads(state)["dirs"], ids(sync(root, state=state)))


def test_a_page_state_resumes_after_that_page(root: Path) -> None:
    """Each page's state covers it and all before: resuming from it yields the rest."""
    for number in range(PAGE_SIZE + 20):
        deliver(root, f"cur/{number:04d}.host:2,S", message(number))
    first_page = sync(root)[0]
    rest = sync(root, state=first_page.state)
    assert 20 == sum(len(page.mails) for page in rest)
    assert not set(ids([first_page])) & set(ids(rest))


def test_a_first_sync_resumed_from_a_page_still_honours_since(root: Path) -> None:
    """A first sync cut short after a page goes on skipping what is older than `since`."""
    for number in range(PAGE_SIZE + 5):
        deliver(root, f"cur/{number:04d}.host:2,S", message(number))
    deliver(root, "cur/9999.host:2,S", message(9999, "Mon, 01 Dec 2025 08:00:00 +0700"))
    first_page = sync(root)[0]
    rest = sync(root, state=first_page.state)
    assert "inbox/9999.host" not in ids(rest)
    assert 5 == sum(len(page.mails) for page in rest)
    # and its pages still say so: ingest lists what they bring that is overdue, not DMs it
    assert [True, True] == [first_page.first, *(page.first for page in rest if page.mails)]
    deliver(root, "new/later.host", message(10_000))
    assert [False] == [page.first for page in sync(root, state=rest[-1].state)]


def test_since_limits_a_first_sync(root: Path) -> None:
    """A first sync skips files older than `since`, by mtime and by the received time."""
    old = deliver(root, "cur/old.host:2,S", message(1, "Mon, 01 Dec 2025 08:00:00 +0700"))
    os.utime(old, (datetime(2025, 12, 1, tzinfo=UTC).timestamp(),) * 2)
    deliver(root, "cur/copied.host:2,S", message(2, "Tue, 02 Dec 2025 08:00:00 +0700"))
    deliver(root, "cur/recent.host:2,S", message(3))
    assert ["inbox/recent.host"] == ids(sync(root))


def test_garbage_is_skipped_counted_and_logged(
    root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A file that is not mail is skipped with a log line naming it; the pass goes on."""
    junk = deliver(root, "cur/junk.host:2,S", b"\x00\x01\x02\xff not mail at all")
    deliver(root, "cur/good.host:2,S", message(1))
    with caplog.at_level(logging.WARNING, logger="bot.mail.maildir"):
        pages = sync(root)
    assert (["inbox/good.host"], 1) == (ids(pages), sum(page.skipped for page in pages))
    assert [f"skipped Maildir file {junk}: no mail headers"] == caplog.messages


def test_a_mail_nested_too_deeply_is_skipped_with_a_reason_a_person_reads(
    root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """20,000 nested comments in From, built to break parsers: the log said "RecursionError"."""
    nested = b"From: " + b"(" * 20_000 + b")" * 20_000 + b" a@b.vn\r\nSubject: x\r\n\r\nhi\r\n"
    bomb = deliver(root, "cur/bomb.host:2,S", nested)
    with caplog.at_level(logging.WARNING, logger="bot.mail.maildir"):
        pages = sync(root)
    assert 1 == sum(page.skipped for page in pages)
    assert [f"skipped Maildir file {bomb}: nested too deeply to read"] == caplog.messages


def test_a_huge_file_is_read_in_part(
    root: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Only the first READ_LIMIT bytes of a file are read, and the log says so."""
    monkeypatch.setattr("bot.mail.maildir.READ_LIMIT", 300)
    path = deliver(root, "cur/big.host:2,S", message(1) + b"more text\n" * 1000)
    with caplog.at_level(logging.INFO, logger="bot.mail.maildir"):
        [mail] = [mail for page in sync(root) for mail in page.mails]
    assert ("Message 1", "Body 1\nmore text") == (mail.subject, mail.text[:16])
    assert [f"Maildir file {path} is over 300 bytes: parsed its start only"] == caplog.messages


def test_a_file_moved_away_during_the_pass_is_found_later(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file gone between listing and reading is skipped silently, then found renamed."""
    path = deliver(root, "new/9.host", message(9))

    def moved_away(file: str, flags: int) -> int:
        path.rename(root / "cur/9.host:2,S")
        raise FileNotFoundError(file)

    with monkeypatch.context() as patch:
        patch.setattr("bot.mail.maildir.os.open", moved_away)
        pages = sync(root)
    assert ([], 0) == (ids(pages), pages[-1].skipped)
    assert ["inbox/9.host"] == ids(sync(root, state=pages[-1].state))


def test_missing_maildir_is_unavailable(tmp_path: Path) -> None:
    """A root without cur/ and new/ raises MailboxUnavailable naming the path."""
    with pytest.raises(MailboxUnavailable, match=f"no Maildir at {tmp_path}"):
        sync(tmp_path)


def test_missing_sent_folder_syncs_nothing(root: Path) -> None:
    """Without .Sent there is nothing sent yet: one empty page."""
    for sub in ("cur", "new", "tmp"):
        (root / ".Sent" / sub).rmdir()
    assert [[]] == [list(page.mails) for page in sync(root, Folder.SENT)]


HOLDING = Outgoing(
    sender=Address("huong@congty.vn", "Đặng Thị Hương"),
    to=(Address("khach1@example.vn", "Khach 1"),),
    subject="Re: Message 1",
    body="Em sẽ trả lời trước thứ Sáu.",
    message_id="hold-1@replyminder.congty.vn",
    marker="outbox-1",
    in_reply_to="m1@example.vn",
    references=("m1@example.vn",),
)


def sent_files(root: Path) -> Iterator[Path]:
    return (root / ".Sent/cur").iterdir()


def test_reply_is_written_into_sent_once(root: Path) -> None:
    """A reply lands in .Sent/cur as a complete message; sending it twice writes one file."""
    deliver(root, "cur/1.host:2,S", message(1))
    PROVIDER.reply(mailbox(root), "inbox/1.host", HOLDING)
    PROVIDER.reply(mailbox(root), "inbox/1.host", HOLDING)
    [path] = sent_files(root)
    mail = parse(path.read_bytes(), folder=Folder.SENT, provider_id="sent/x")
    expected = ("hold-1@replyminder.congty.vn", "m1@example.vn", ("m1@example.vn",), "outbox-1")
    assert expected == (mail.message_id, mail.in_reply_to, mail.references, mail.header(MARKER))
    leftovers = list((root / ".Sent/tmp").iterdir())
    assert (NOW, ":2,S", []) == (mail.received_at, path.name[-4:], leftovers)


def test_reply_creates_a_missing_sent_folder(root: Path) -> None:
    """The first reply of a Maildir without .Sent creates it, Maildir++ style."""
    for sub in ("cur", "new", "tmp"):
        (root / ".Sent" / sub).rmdir()
    deliver(root, "new/1.host", message(1))
    PROVIDER.reply(mailbox(root), "inbox/1.host", HOLDING)
    assert (1, True) == (len(list(sent_files(root))), (root / ".Sent/maildirfolder").exists())


def test_reply_comes_back_through_sent_sync(root: Path) -> None:
    """The written reply is found by the next Sent sync, marked as the bot's own."""
    deliver(root, "cur/1.host:2,S", message(1))
    PROVIDER.reply(mailbox(root), "inbox/1.host", HOLDING)
    [mail] = [mail for page in sync(root, Folder.SENT) for mail in page.mails]
    assert ("outbox-1", Folder.SENT) == (mail.header(MARKER), mail.folder)


def test_forward_attaches_the_original(root: Path) -> None:
    """A forward in .Sent holds the note and the original message as an attachment."""
    deliver(root, "cur/1.host:2,S", message(1))
    forward = Outgoing(
        sender=HOLDING.sender,
        to=(Address("ketoan@congty.vn"),),
        subject="Fwd: Message 1",
        body="Nhờ phòng kế toán xem.",
        message_id="fwd-1@replyminder.congty.vn",
        marker="outbox-2",
    )
    PROVIDER.forward(mailbox(root), "inbox/1.host", forward)
    [path] = sent_files(root)
    mail = parse(path.read_bytes(), folder=Folder.SENT, provider_id="sent/x")
    expected = ("Nhờ phòng kế toán xem.", ["Message 1.eml"], "outbox-2")
    assert expected == (mail.text, [a.name for a in mail.attachments], mail.header(MARKER))
    assert message(1) in path.read_bytes()


@pytest.mark.parametrize(
    "original", ["inbox/nope.host", "trash/1.host", "inbox/../cur/1.host", "x"]
)
def test_reply_to_a_missing_original_fails_naming_it(root: Path, original: str) -> None:
    """An original that is not there is a MailError that says so and names it (for the
    log); nothing is written."""
    deliver(root, "cur/1.host:2,S", message(1))
    with pytest.raises(MailError, match=original.replace(".", r"\.")):
        PROVIDER.reply(mailbox(root), original, HOLDING)
    assert [] == list(sent_files(root))


def test_resolve_knows_nobody(root: Path) -> None:
    """A Maildir has no directory of people."""
    assert PROVIDER.resolve(mailbox(root), "Minh") is None
