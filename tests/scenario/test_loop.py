"""The core loop through the CLI: sync, triage, threads, reminders (issue 2)."""

from __future__ import annotations

import io
import logging
import mailbox
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, select, update

from bot import cli, demo_world
from bot.core.mail import Folder
from bot.core.ports import SyncPage
from bot.services import remind
from bot.store.models import MailboxRow, Thread, User
from tests.scenario.conftest import DAVID, LAN, World

THREAD_FIELDS = {
    "id", "ref", "subject", "from", "received_at", "importance", "reasons", "state", "due_at",
    "snoozed_until", "promised_by", "risks", "suggested_forward", "forwarded_to",
}  # fmt: skip


def test_first_tick_tracks_what_awaits_a_reply_and_sets_aside_the_rest(synced: World) -> None:
    """Personal mail is pending, the newsletter ignored, answered threads answered."""
    states = {t["subject"]: t["state"] for t in synced.json("threads", LAN, "--all")}
    assert "pending" == states["KHẨN: Xác nhận đơn hàng PO-2311 trước 15h hôm nay"]
    assert "ignored" == states["Bản tin Logistics tuần 48: KHẨN cập nhật giá cước"]
    assert "answered" == states["Lịch họp giao ban tuần sau"]  # Lan's reply is in .Sent


def test_threads_json_has_the_contract_fields(synced: World) -> None:
    """threads --json: an array of threads with every field DESIGN.md fixes."""
    threads = synced.json("threads", LAN, "--all")
    assert all(THREAD_FIELDS <= set(t) for t in threads)
    minh = synced.thread(LAN, "PO-2311")
    assert ("urgent", "2026-12-02T17:00:00+07:00") == (minh["importance"], minh["due_at"])
    assert "2026-11-30T07:40:00+07:00" == minh["received_at"]


def test_open_threads_only_without_all(synced: World) -> None:
    """threads without --all lists pending, snoozed and holding threads only."""
    open_states = {t["state"] for t in synced.json("threads", LAN)}
    assert open_states <= {"pending", "snoozed", "holding"}


def test_reply_all_by_a_colleague_answers_the_thread_and_says_who(synced: World) -> None:
    """Mai answered James with David in Cc: David's thread is answered by Mai."""
    james = synced.thread(DAVID, "Shipping schedule")
    assert ("answered", f"mai@{demo_world.DOMAIN}") == (james["state"], james["answered_by"])


def test_risks_are_found_on_every_mail(synced: World) -> None:
    """The phishing mail carries its findings with a sentence in the user's language."""
    bank = synced.thread(LAN, "bị khóa")
    kinds = {r["kind"] for r in bank["risks"]}
    assert {"credential_request", "lookalike_domain", "link_mismatch"} <= kinds
    assert all(r["detail"] for r in bank["risks"])


def test_reminders_print_json_lines_with_the_contract_shape(world: World) -> None:
    """tick --json: one line per message sent, urgent and phishing DMs first, then digests."""
    lines = world.lines("tick", now="2026-11-30T08:00")
    kinds = [(line["user"], line["kind"]) for line in lines]
    assert (LAN, "reminder") in kinds and (LAN, "digest") in kinds
    assert {"user", "channel", "kind", "thread", "text"} <= set(lines[0])
    assert all(line["channel"] == "console" for line in lines)
    digest = next(line for line in lines if line["kind"] == "digest")
    assert digest["thread"] is None and digest["threads"]
    lan = next(line for line in lines if line["kind"] == "digest" and line["user"] == LAN)
    shown = [t["subject"] for t in lan["threads"]]  # every thread its text shows, risky ones too
    assert all(subject in lan["text"] for subject in shown)
    assert any("bị khóa" in subject for subject in shown) and "bị khóa" in lan["text"]


def test_a_reminder_is_never_sent_twice(synced: World) -> None:
    """A second pass at the same moment, or a restart, sends nothing again."""
    assert [] == synced.lines("remind", now="2026-11-30T08:00")
    assert [] == synced.lines("tick", now="2026-11-30T08:05")


def test_reminders_planned_before_a_crash_go_out_once_their_lease_ends(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pass leases the reminders it plans to itself (five minutes). If it dies before
    sending them, the next pass sends only what waited unclaimed (the digests); the pass
    after the lease sends the reminders, each once."""
    with monkeypatch.context() as crashed:
        crashed.setattr(remind, "send_ready", lambda *args: [])  # dies right after planning
        crashed.setattr(remind, "deliver", lambda *args: [])
        assert [] == world.lines("tick", now="2026-11-30T08:00")
    assert {"digest"} == {line["kind"] for line in world.lines("remind", now="2026-11-30T08:01")}
    late = world.lines("remind", now="2026-11-30T08:06")
    threads = [line["thread"]["id"] for line in late]
    assert "digest" not in {line["kind"] for line in late}
    assert any("PO-2311" in line["thread"]["subject"] for line in late)
    assert len(threads) == len(set(threads))
    assert [] == world.lines("remind", now="2026-11-30T08:07")


def test_a_reminder_left_by_a_crash_is_dropped_once_its_thread_is_done(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reminder a dead pass left leased is claimed after its lease and rendered from
    the thread as it is then: done meanwhile, it is dropped, not sent."""
    with monkeypatch.context() as crashed:
        crashed.setattr(remind, "send_ready", lambda *args: [])  # dies right after planning
        crashed.setattr(remind, "deliver", lambda *args: [])
        world.ok("tick", now="2026-11-30T08:00")
    po = world.thread(LAN, "PO-2311")
    assert "done" == world.json("chat", LAN, f"done #{po['ref']}", now="2026-11-30T08:03")["action"]
    late = world.lines("remind", now="2026-11-30T08:06")
    assert late and all(line["thread"]["id"] != po["id"] for line in late if line["thread"])


def test_no_dm_outside_working_hours(world: World) -> None:
    """At night mail is read, but nothing is sent until the morning."""
    assert [] == world.lines("tick", now="2026-11-30T21:00")
    morning = world.lines("tick", now="2026-12-01T08:00")
    assert morning


def test_an_overdue_thread_gets_a_breach_notice(synced: World) -> None:
    """Sarah's mail (Fri 14:00) is due Wed 14:00; just after, David gets a breach notice."""
    lines = synced.lines("remind", now="2026-12-02T14:05")
    breaches = [line for line in lines if line["kind"] == "breach" and line["user"] == DAVID]
    assert ["Quotation for 500 units - a few questions"] == [
        b["thread"]["subject"] for b in breaches
    ]


def test_new_mail_is_picked_up_incrementally_and_a_reply_closes_it(synced: World) -> None:
    """A new delivery appears at the next tick; the user's reply in Sent closes it."""
    box = mailbox.Maildir(synced.boxes[LAN], create=False)
    box.add(
        mailbox.MaildirMessage(
            demo_world.render(
                demo_world.Letter(
                    demo_world.MINH,
                    (demo_world.LAN,),
                    "Mẫu hợp đồng mới",
                    "Chị xem giúp em mẫu này nhé?",
                    demo_world.local(30, 9, 0),
                    "new-1@vinaplast.vn",
                )
            )
        )
    )
    synced.run("tick", now="2026-11-30T09:05")
    assert "pending" == synced.thread(LAN, "Mẫu hợp đồng mới")["state"]
    box.get_folder("Sent").add(
        mailbox.MaildirMessage(
            demo_world.render(
                demo_world.Letter(
                    demo_world.LAN,
                    (demo_world.MINH,),
                    "Re: Mẫu hợp đồng mới",
                    "Được em nhé.",
                    demo_world.local(30, 9, 30),
                    "re-new-1@saomai.vn",
                    in_reply_to="new-1@vinaplast.vn",
                )
            )
        )
    )
    synced.run("tick", now="2026-11-30T09:35")
    assert "answered" == synced.thread(LAN, "Mẫu hợp đồng mới")["state"]


def test_mail_dated_in_the_future_is_due_from_when_it_was_seen(synced: World) -> None:
    """A Date weeks ahead (a wrong clock or a forged header, and no Received line) does not
    push the deadline weeks ahead: the mail arrived when it was first seen."""
    mailbox.Maildir(synced.boxes[LAN], create=False).add(
        b"From: Minh <minh@vinaplast.vn>\r\nTo: lan@saomai.vn\r\n"
        b"Subject: Don hang tuong lai\r\nMessage-ID: <future-1@vinaplast.vn>\r\n"
        b"Date: Fri, 01 Jan 2027 09:00:00 +0700\r\n\r\nChi xac nhan giup em nhe?\r\n"
    )
    synced.ok("tick", now="2026-11-30T09:00")
    thread = synced.thread(LAN, "Don hang tuong lai")
    assert ("2026-11-30T09:00:00+07:00", "2026-12-03T09:00:00+07:00") == (
        thread["received_at"],
        thread["due_at"],
    )


def test_mail_years_old_moved_back_into_the_inbox_stops_nobodys_reminders(
    synced: World,
) -> None:
    """The first sync skips mail before its look-back; later, an old mail moved back into
    the Inbox is read like any other. Measuring its eleven years of working time raised,
    and every user's reminders and Lan's list stopped with it. It is listed, as mail found
    by the first sync already overdue is, without a breach DM."""
    mailbox.Maildir(synced.boxes[LAN], create=False).add(
        b"From: old@khach.vn\r\nTo: lan@saomai.vn\r\nSubject: Thu cu 2015\r\n"
        b"Message-ID: <e1@khach.vn>\r\nDate: Fri, 02 Oct 2015 10:00:00 +0700\r\n\r\n"
        b"Can you check?\r\n"
    )
    out = synced.ok("tick", now="2026-11-30T10:15")
    assert "to lan@" in out  # her other reminders go on
    assert "old@khach.vn" not in out  # history read late: no "overdue" DM for it
    listed = synced.chat(LAN, "danh sách", now="2026-11-30T10:16")["reply"]
    assert "Thu cu 2015" in listed


def test_a_mailbox_first_read_a_week_late_starts_with_a_digest_not_a_burst(
    world: World,
) -> None:
    """Every mail is past its deadline when the mailbox is first read: no DM for any of
    them, urgent and high included (only the phishing warning); the digest lists them all."""

    def sent(out: str) -> list[str]:
        return [line for line in out.splitlines() if line.startswith("── ") and "lan@" in line]

    out = world.ok("tick", now="2026-12-07T08:00")
    assert 1 == len(sent(out)) and "lừa đảo" in out  # the one DM: the phishing warning
    out = world.ok("tick", now="2026-12-08T08:00")  # (her first digest: the next morning)
    assert ["── digest to lan@saomai.vn (console) ──"] == sent(out)
    assert "KHẨN: Xác nhận đơn hàng" in out and "Báo cáo doanh số" in out


def test_a_provider_starting_over_later_brings_new_mail_not_history(
    synced: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A provider that starts a folder over (Graph's link expired, Exchange forgot its
    state) marks its pages as a first sync's. Once the mailbox has completed a sync, what
    they bring is new mail: mail that came meanwhile, maybe overdue, is not history."""
    from dataclasses import replace

    from bot.mail.maildir import MaildirProvider

    real = MaildirProvider.sync

    def starting_over(self: MaildirProvider, *args: object) -> Iterator[SyncPage]:
        return (replace(page, first=True) for page in real(self, *args))  # type: ignore[arg-type]

    monkeypatch.setattr(MaildirProvider, "sync", starting_over)
    mailbox.Maildir(synced.boxes[LAN], create=False).add(
        b"From: Minh <minh@vinaplast.vn>\r\nTo: lan@saomai.vn\r\nSubject: Trong luc do\r\n"
        b"Message-ID: <gap-1@vinaplast.vn>\r\nDate: Tue, 01 Dec 2026 09:00:00 +0700\r\n\r\n"
        b"Chi xac nhan giup em nhe?\r\n"
    )
    synced.ok("sync", now="2026-12-03T10:00")
    with create_engine(os.environ["REPLYMINDER_DATABASE_URL"]).connect() as connection:
        found = connection.scalar(select(Thread.backfilled).where(Thread.subject == "Trong luc do"))
    assert found is False


def test_resync_duplicates_nothing(synced: World) -> None:
    """Files renamed by a mail client (new → cur, flags) are read again, not tracked twice."""
    before = synced.json("threads", LAN, "--all")
    new = synced.boxes[LAN] / "new"
    for path in list(new.iterdir()):
        path.rename(synced.boxes[LAN] / "cur" / (path.name + ":2,S"))
    synced.run("tick", now="2026-11-30T08:30")
    assert len(before) == len(synced.json("threads", LAN, "--all"))


def test_a_malformed_message_is_skipped_and_the_rest_goes_on(world: World) -> None:
    """A garbage file is skipped with a reason; the mailbox's other mail is still tracked."""
    (world.boxes[LAN] / "new" / "1700000000.garbage.host").write_bytes(b"\x00\x01 not mail")
    code, out, _err = world.run("sync", now="2026-11-30T08:00")
    assert 0 == code
    assert "1 skipped" in out
    assert any(t["subject"].startswith("KHẨN") for t in world.json("threads", LAN))


def test_mail_with_over_long_headers_is_tracked_and_its_reply_found(world: World) -> None:
    """A 600-character display name, a 415-character address and a 1,500-character
    Message-ID fit no column: on PostgreSQL the page failed ("value too long") and the
    mailbox was stuck. They are fitted, the same way in the reply that names the id."""
    long_id, name = "x" * 1_500 + "@spam.example", "Vietcombank " * 50
    sender = "a" * 400 + "@spam.example"
    box = mailbox.Maildir(world.boxes[LAN], create=False)
    box.add(
        f"From: {name} <{sender}>\r\nTo: lan@saomai.vn\r\nSubject: Dai qua\r\n"
        f"Message-ID: <{long_id}>\r\nDate: Mon, 30 Nov 2026 07:30:00 +0700\r\n\r\n"
        "Chi tra loi giup em nhe?\r\n".encode()
    )
    world.ok("sync", now="2026-11-30T08:00")
    assert "pending" == world.thread(LAN, "Dai qua")["state"]
    many = ", ".join(f"nguoi{n}@saomai.vn" for n in range(40))  # forwarded to: 800 characters
    mailbox.Maildir(world.boxes[LAN] / ".Sent", create=False).add(
        f"From: lan@saomai.vn\r\nTo: {many}\r\nSubject: Fwd: Dai qua\r\n"
        f"Message-ID: <fwd-1@saomai.vn>\r\nIn-Reply-To: <{long_id}>\r\n"
        "Date: Mon, 30 Nov 2026 07:45:00 +0700\r\n\r\nNho moi nguoi xem.\r\n".encode()
    )
    world.ok("sync", now="2026-11-30T08:10")
    thread = world.thread(LAN, "Dai qua")
    assert "forwarded" == thread["state"]
    assert len(thread["from"]) <= 320 and len(thread["forwarded_to"]) <= 320
    with create_engine(os.environ["REPLYMINDER_DATABASE_URL"]).connect() as connection:
        kept = connection.scalar(select(Thread.sender_name).where(Thread.subject == "Dai qua"))
    assert kept is not None and 200 == len(kept) and kept.startswith("Vietcombank Vietcombank")


def test_a_nul_character_in_mail_is_dropped_not_stored(world: World) -> None:
    """PostgreSQL refuses strings holding NUL: one in a subject failed the page, and the
    mailbox, for good."""
    mailbox.Maildir(world.boxes[LAN], create=False).add(
        b"From: Minh <minh@vinaplast.vn>\r\nTo: lan@saomai.vn\r\nSubject: nul\x00byte\r\n"
        b"Message-ID: <nul-1@vinaplast.vn>\r\nDate: Mon, 30 Nov 2026 07:30:00 +0700\r\n\r\n"
        b"Chi xac nhan\x00 giup em nhe?\r\n"
    )
    world.ok("sync", now="2026-11-30T08:00")
    assert "pending" == world.thread(LAN, "nulbyte")["state"]


def test_a_page_the_database_refuses_stops_that_mailbox_only(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page of Lan's the database will not store (an unforeseen too-long value, or the
    database locked for longer than its wait): her mailbox reports it in one line,
    without the row's values, and hands its lease back; David is synced and reminded all
    the same (the whole pass used to stop, every lease held for half an hour)."""
    from sqlalchemy.exc import DataError

    from bot.services import filing

    ingest = filing.ingest

    def refuse(context: filing.Context, mail: object) -> None:
        if context.user.email == LAN:
            detail = "value too long for type character varying(200)\nDETAIL: Key=(Bí mật)"
            raise DataError("INSERT …", {}, Exception(detail))
        ingest(context, mail)  # type: ignore[arg-type]

    monkeypatch.setattr("bot.services.ingest.ingest", refuse)
    code, out, err = world.run("tick", now="2026-11-30T08:00")
    assert 1 == code
    assert "to david@" in out
    errors = [line for line in err.splitlines() if not line.startswith("  ")]
    assert [f"replyminder: {LAN}: database: value too long for type character varying(200)"] == (
        errors
    )
    monkeypatch.setattr("bot.services.ingest.ingest", ingest)
    out = world.ok("sync", now="2026-11-30T08:01")  # not held: the lease was handed back
    assert f"{LAN}: 11 new" in out


@pytest.mark.parametrize("command", ["sync", "tick"])
def test_a_missing_maildir_is_reported_and_other_mailboxes_go_on(
    world: World, command: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Lan's Maildir vanishes: one clear line for her on stderr and a non-zero exit;
    David's mail is still synced (and, in a tick, he is still reminded)."""
    shutil.rmtree(world.boxes[LAN])
    caplog.set_level(logging.INFO)  # the default level: the log said it a second time
    code, out, err = world.run(command, now="2026-11-30T08:00")
    assert not [r for r in caplog.records if "no Maildir" in r.getMessage()]
    assert 1 == code
    errors = [line for line in err.splitlines() if not line.startswith("  ")]  # not progress
    assert [f"replyminder: {LAN}: no Maildir"] == [line[: len(LAN) + 25] for line in errors]
    if command == "sync":
        assert [DAVID] == [line.split(":")[0] for line in out.splitlines()]
        assert out.rstrip().endswith("— ok")
    else:
        assert "to david@" in out
    code, out, _ = world.run("status", now="2026-11-30T08:01")
    assert 1 == code and "no Maildir" in out


def test_an_interrupted_sync_hands_its_mailboxes_back(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C in the middle of a sync: the next sync, at once, takes up the mailbox (it
    used to wait for the half-hour lease, saying nothing)."""

    def interrupt(email: str, page: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as interrupted:
        interrupted.setattr(cli, "_progress", interrupt)
        assert 130 == world.run("sync", now="2026-11-30T08:00")[0]
    out = world.ok("sync", now="2026-11-30T08:01")
    assert {LAN, DAVID} == {line.split(":")[0] for line in out.splitlines() if "— ok" in line}
    assert [] != world.json("threads", LAN)


def test_progress_lines_of_mailboxes_synced_at_once_do_not_run_together(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Mailboxes sync in threads, and each reports its pages: a line must go out whole.
    (`print` wrote the text, then the newline: the demo showed "lan… 5 in this page
    david… 1 in this page" on one line.)"""
    writes: list[str] = []

    class Recorder(io.StringIO):
        def write(self, text: str) -> int:
            writes.append(text)
            time.sleep(0.001)  # let the other thread in between writes, as a terminal does
            return len(text)

    monkeypatch.setattr(sys, "stderr", Recorder())
    pages = {
        email: SyncPage(Folder.SENT, [], "state", skipped=1, seen=n, total=9)
        for n, email in enumerate((LAN, DAVID), 1)
    }

    def report(email: str) -> None:
        for _ in range(20):
            cli._progress(email, pages[email])

    threads = [threading.Thread(target=report, args=(email,)) for email in pages]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = "".join(writes).splitlines()
    assert 40 == len(lines)
    assert all(line.count("@") == 1 and line.endswith("1 skipped") for line in lines)


def test_ctrl_c_stops_every_mailbox_after_its_current_page(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mailboxes sync in threads and Ctrl-C reaches only the main thread, which then waited
    for each to finish its whole sync. Now each stops after its current page (here: Sent)
    and hands itself back; the next sync goes on from there."""
    progress = cli._progress

    def ctrl_c(email: str, page: SyncPage) -> None:
        progress(email, page)
        cli._INTERRUPTED.set()  # what the SIGINT handler does

    monkeypatch.setattr(cli, "_progress", ctrl_c)
    assert 130 == world.run("sync", now="2026-11-30T08:00")[0]
    assert [] == world.json("threads", LAN, "--all")  # the Inbox was not read
    monkeypatch.setattr(cli, "_progress", progress)
    world.ok("sync", now="2026-11-30T08:01")
    assert [] != world.json("threads", LAN)


def test_ctrl_c_in_a_sync_is_caught_then_raised_once_the_pages_are_done(
    capsys: pytest.CaptureFixture[str],
) -> None:
    noted = []

    def sync_with_ctrl_c(times: int) -> None:
        with cli._ctrl_c_ends_pages():
            signal.raise_signal(signal.SIGINT)  # no KeyboardInterrupt here: the handler notes it
            noted.append(cli._INTERRUPTED.is_set())
            if times == 2:
                signal.raise_signal(signal.SIGINT)  # the second: at once
                noted.append("not reached")

    with pytest.raises(KeyboardInterrupt):
        sync_with_ctrl_c(1)
    assert [True] == noted and not cli._INTERRUPTED.is_set()
    assert "stopping after the current page (Ctrl-C again to quit now)\n" == capsys.readouterr().err
    with pytest.raises(KeyboardInterrupt):
        sync_with_ctrl_c(2)
    assert [True, True] == noted
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_mailbox_another_process_holds_is_named_not_passed_over(
    world: World, database_url: str
) -> None:
    """A process killed mid-sync keeps its lease on the mailbox until it runs out: `sync`
    says so, instead of printing nothing for it."""
    engine = create_engine(database_url)
    with engine.begin() as connection:
        held = datetime(2026, 11, 30, 1, 20, tzinfo=UTC)  # 08:20 in Hà Nội
        connection.execute(
            update(MailboxRow)
            .where(MailboxRow.user_id == select(User.id).where(User.email == LAN).scalar_subquery())
            .values(lease_owner="elsewhere:1", lease_until=held)
        )
    engine.dispose()
    code, out, _ = world.run("sync", now="2026-11-30T08:00")
    assert 0 == code
    assert f"{LAN}: not synced — another process is syncing it" in out and "until 08:20" in out
    assert f"{DAVID}: " in out and "— ok" in out


def test_what_mail_did_to_a_thread_is_in_its_history(synced: World) -> None:
    """Answered from the mail client, or by a colleague's reply-all: each thread's history
    names who did it, by mail, once."""
    meeting = synced.thread(LAN, "Lịch họp giao ban tuần sau")["history"]
    james = synced.thread(DAVID, "Shipping schedule")["history"]
    assert [(LAN, "answered", "mail"), (f"mai@{demo_world.DOMAIN}", "answered", "mail")] == [
        (e["actor"], e["action"], e["platform"]) for e in (*meeting, *james)
    ]
