"""Chat commands through the CLI, in both languages, read back from .Sent (issue 3)."""

from __future__ import annotations

import mailbox
from datetime import datetime, timedelta

from bot import demo_world
from tests.scenario.conftest import DAVID, LAN, World


def test_list_in_vietnamese_most_urgent_first(synced: World) -> None:
    """danh sách: open threads, urgent first, each with #ref, time left and badges."""
    answer = synced.chat(LAN, "danh sách")
    assert "listed" == answer["action"] and answer["thread"] is None
    lines = [line for line in answer["reply"].splitlines() if line.strip().startswith("#")]
    assert "PO-2311" in lines[0] and "🔴" in lines[0] and "còn" in lines[0]
    assert any("🚩" in line for line in lines)


def test_snooze_pauses_reminders_and_keeps_the_deadline(synced: World) -> None:
    """hoãn #ref 2 tiếng nữa: snoozed two hours, deadline unchanged, reminded at the next tick."""
    ref = synced.thread(LAN, "PO-2311")["ref"]
    answer = synced.chat(LAN, f"hoãn #{ref} 2 tiếng nữa", now="2026-11-30T08:11")
    thread = answer["thread"]
    assert ("snoozed", "snoozed") == (answer["action"], thread["state"])
    assert ("2026-11-30T10:11:00+07:00", "2026-12-02T17:00:00+07:00") == (
        thread["snoozed_until"],
        thread["due_at"],
    )

    def reminded(now: str) -> list[int]:
        lines = synced.lines("remind", now=now)
        return [x["thread"]["ref"] for x in lines if x["thread"] and x["thread"]["ref"] == ref]

    assert ([], [ref]) == (reminded("2026-11-30T10:00"), reminded("2026-11-30T10:15"))
    assert "pending" == synced.thread(LAN, "PO-2311")["state"]


def test_snooze_past_the_deadline_suggests_a_holding_reply(synced: World) -> None:
    """A snooze beyond the deadline changes nothing and proposes hold instead."""
    ref = synced.thread(DAVID, "Quotation")["ref"]
    answer = synced.chat(DAVID, f"snooze #{ref} next monday")
    assert "confirm_needed" == answer["action"]
    assert f"hold #{ref}" in answer["reply"] and "pending" == answer["thread"]["state"]
    forced = synced.chat(DAVID, f"snooze #{ref} next monday confirm")
    assert "snoozed" == forced["action"]


def test_a_reply_found_in_sent_cancels_the_snooze(synced: World) -> None:
    """Snoozed, then answered from the mail client: the thread is answered, no reminder."""
    import mailbox

    from bot import demo_world

    ref = synced.thread(LAN, "PO-2311")["ref"]
    synced.chat(LAN, f"snooze #{ref} 3h")
    box = mailbox.Maildir(synced.boxes[LAN], create=False).get_folder("Sent")
    box.add(
        mailbox.MaildirMessage(
            demo_world.render(
                demo_world.Letter(
                    demo_world.LAN,
                    (demo_world.MINH,),
                    "Re: PO-2311",
                    "OK em.",
                    demo_world.local(30, 9, 0),
                    "re-po@saomai.vn",
                    in_reply_to="po2311@vinaplast.vn",
                )
            )
        )
    )
    synced.run("tick", now="2026-11-30T09:05")
    thread = synced.thread(LAN, "PO-2311")
    assert ("answered", None) == (thread["state"], thread["snoozed_until"])
    lines = synced.lines("remind", now="2026-11-30T11:15")
    assert [] == [x for x in lines if x["thread"] and x["thread"]["ref"] == ref]


def test_hold_sends_a_vietnamese_holding_reply_in_the_thread(synced: World) -> None:
    """hold on a Vietnamese email: a polite Vietnamese reply promising the date, in .Sent."""
    ref = synced.thread(DAVID, "vận chuyển")["ref"]
    answer = synced.chat(DAVID, f"hold #{ref} friday", now="2026-11-30T08:20")
    assert ("holding_sent", "holding") == (answer["action"], answer["thread"]["state"])
    assert "2026-12-04T17:00:00+07:00" == answer["thread"]["promised_by"]
    # the promised date is the new deadline (DESIGN: thread states)
    assert "2026-12-04T17:00:00+07:00" == answer["thread"]["due_at"]
    [reply] = synced.bot_sent(DAVID)
    body = reply.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert ("<baogia-12@vantaiviet.vn>", "Re: Báo giá vận chuyển tháng 12") == (
        reply["In-Reply-To"],
        reply["Subject"],
    )
    assert "thao@vantaiviet.vn" in reply["To"] and "david@saomai.vn" in reply["From"]
    assert "thứ Sáu, 04/12/2026" in body and body.rstrip().endswith("David Miller")
    assert reply["Message-ID"] and reply["Date"]


def test_hold_in_english_writes_the_english_date(synced: World) -> None:
    """hold on an English email: "Friday, 4 December 2026"."""
    ref = synced.thread(DAVID, "Quotation")["ref"]
    synced.chat(DAVID, f"hold #{ref} 4/12")
    body = synced.bot_sent(DAVID)[0].get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "Friday, 4 December 2026" in body and body.startswith("Dear Sarah,")


def test_a_thread_whose_snooze_ends_at_the_digest_is_in_that_digest(synced: World) -> None:
    """Snoozed "tomorrow" (until its end), a thread is looked at again the morning after:
    it is pending again in time for that morning's digest, and listed there."""
    threads = synced.json("threads", DAVID)
    quiet = next(t for t in threads if t["importance"] in ("normal", "low"))
    assert "snoozed" == synced.chat(DAVID, f"snooze #{quiet['ref']} tomorrow")["action"]
    synced.lines("tick", now="2026-12-01T08:00")  # Tuesday's digest, without it
    lines = synced.lines("tick", now="2026-12-02T08:00")
    digest = next(line for line in lines if line["user"] == DAVID and line["kind"] == "digest")
    assert quiet["ref"] in [t["ref"] for t in digest["threads"]]


def test_holding_thread_reminded_on_the_morning_and_after_the_promise(synced: World) -> None:
    """The promised day's morning brings a promise_due DM; the day after, a breach notice."""
    ref = synced.thread(DAVID, "vận chuyển")["ref"]
    synced.chat(DAVID, f"hold #{ref} friday")
    morning = [
        x["kind"]
        for x in synced.lines("remind", now="2026-12-04T08:00")
        if x["user"] == DAVID and x["thread"] and x["thread"]["ref"] == ref
    ]
    after = [
        x["kind"]
        for x in synced.lines("remind", now="2026-12-07T08:00")
        if x["user"] == DAVID and x["thread"] and x["thread"]["ref"] == ref
    ]
    assert (["promise_due"], ["breach"]) == (morning, after)


def test_a_thread_reopened_after_its_breach_gets_its_reminders_again(synced: World) -> None:
    """Sarah's quotation: overdue (a breach DM), closed, then she writes again. The new wait
    for David's answer has its own breach DM; the outbox used to take it for sent."""

    def breaches(now: str) -> list[str]:
        return [
            line["thread"]["subject"]
            for line in synced.lines("remind", now=now)
            if line["kind"] == "breach" and line["user"] == DAVID
        ]

    ref = synced.thread(DAVID, "Quotation")["ref"]
    assert ["Quotation for 500 units - a few questions"] == breaches("2026-12-02T14:05")
    assert "done" == synced.chat(DAVID, f"done #{ref}", now="2026-12-02T14:10")["action"]
    again = demo_world.Letter(
        demo_world.SARAH,
        (demo_world.DAVID,),
        "Re: Quotation for 500 units - a few questions",
        "Hi David, any news on the unit price?",
        demo_world.local(3, 9, 0, month=12),
        "q500-again@globex.com",
        in_reply_to="q500@globex.com",
    )
    mailbox.Maildir(synced.boxes[DAVID], create=False).add(demo_world.render(again))
    synced.ok("tick", now="2026-12-03T09:05")
    reopened = synced.thread(DAVID, "Quotation")
    assert (ref, "pending") == (reopened["ref"], reopened["state"])
    due = datetime.fromisoformat(reopened["due_at"])
    late = (due + timedelta(minutes=5)).isoformat()
    assert ["Quotation for 500 units - a few questions"] == breaches(late)


def test_double_submission_sends_one_holding_reply(synced: World) -> None:
    """The same hold twice (a double click) sends one message."""
    ref = synced.thread(DAVID, "vận chuyển")["ref"]
    first = synced.chat(DAVID, f"hold #{ref} friday")
    second = synced.chat(DAVID, f"hẹn #{ref} thứ sáu")
    assert ("holding_sent", "holding_sent") == (first["action"], second["action"])
    assert 1 == len(synced.bot_sent(DAVID))


def test_hold_refuses_a_past_date_a_holiday_and_nonsense(synced: World) -> None:
    """Dates that cannot be promised change nothing and say why."""
    ref = synced.thread(DAVID, "Quotation")["ref"]
    for text, words in (
        (f"hold #{ref} 27/11", "passed"),
        (f"hold #{ref} 5/12", "not a working"),
        (f"hold #{ref} blah", "couldn't read “blah”"),
    ):
        answer = synced.chat(DAVID, text)
        assert ("error", "pending") == (answer["action"], answer["thread"]["state"])
        assert words in answer["reply"]
    assert [] == synced.bot_sent(DAVID)


def test_examples_after_a_mistake_are_in_the_users_language(synced: World) -> None:
    """What the bot shows to try instead reads in the user's language, and it reads it."""
    english = synced.thread(DAVID, "Quotation")["ref"]
    vietnamese = synced.thread(LAN, "Hóa đơn")["ref"]
    replies = [
        synced.chat(DAVID, f"snooze #{english} blah")["reply"],
        synced.chat(LAN, f"hoãn #{vietnamese} blah")["reply"],
        synced.chat(DAVID, f"hold #{english} blah")["reply"],
        synced.chat(LAN, f"hẹn #{vietnamese} blah")["reply"],
        synced.chat(LAN, f"chuyển tiếp #{vietnamese}")["reply"],
        synced.chat(LAN, f"chuyển tiếp #{vietnamese} nobody")["reply"],
    ]
    expected = [
        "Try for example: 2h, tomorrow 9am, monday.",
        "Bạn thử ví dụ: 2 tiếng nữa, 9h sáng mai, thứ hai.",
        "Try for example: friday, 4/12, tomorrow.",
        "Bạn thử ví dụ: thứ sáu, 4/12, ngày mai.",
        "Chuyển cho ai? Ví dụ: chuyển tiếp #3 lan@company.vn.",
        "Hãy dùng địa chỉ email hoặc một trong các tên sau: ketoan",
    ]
    assert expected == [
        want if want in got else got for want, got in zip(expected, replies, strict=True)
    ]


def test_hold_refuses_to_answer_phishing(synced: World) -> None:
    """No holding reply to a suspected phishing mail."""
    ref = synced.thread(LAN, "bị khóa")["ref"]
    assert "refused" == synced.chat(LAN, f"hẹn #{ref} thứ sáu")["action"]
    assert [] == synced.bot_sent(LAN)


def test_forward_to_an_alias_with_a_note(synced: World) -> None:
    """chuyển tiếp #ref ketoan NOTE: the team gets the note and the original attached."""
    ref = synced.thread(LAN, "Hóa đơn")["ref"]
    answer = synced.chat(LAN, f"chuyển tiếp #{ref} ketoan nhờ chị kiểm tra giúp em")
    assert ("forwarded", "ketoan@saomai.vn") == (answer["action"], answer["thread"]["forwarded_to"])
    [sent] = synced.bot_sent(LAN)
    parts = list(sent.iter_parts())
    note = parts[0].get_content()
    assert "Kính gửi Phòng Kế toán" in note and "nhờ chị kiểm tra giúp em" in note
    assert "message/rfc822" == parts[1].get_content_type()
    assert sent["Subject"] == "Fwd: Hóa đơn tháng 11 - ABC Supplies"


def test_forward_outside_the_company_needs_confirmation(synced: World) -> None:
    """An external address is not forwarded until confirmed."""
    ref = synced.thread(DAVID, "Quotation")["ref"]
    answer = synced.chat(DAVID, f"forward #{ref} partner@elsewhere.com")
    assert ("confirm_needed", []) == (answer["action"], synced.bot_sent(DAVID))
    confirmed = synced.chat(DAVID, f"forward #{ref} partner@elsewhere.com confirm")
    assert "forwarded" == confirmed["action"] and 1 == len(synced.bot_sent(DAVID))


def test_suggestions_come_from_routing_and_history(synced: World) -> None:
    """The invoice suggests accounting; after Lan forwards Hoàng's mail, history suggests too."""
    invoice = synced.thread(LAN, "Hóa đơn")
    assert ["ketoan@saomai.vn"] == [s["to"] for s in invoice["suggested_forward"]]
    assert "hóa đơn" in invoice["suggested_forward"][0]["reason"]


def test_done_with_a_reason_and_history(synced: World) -> None:
    """xong #ref lý do: closed, and the history says who did it, from where."""
    ref = synced.thread(LAN, "Báo cáo doanh số")["ref"]
    answer = synced.chat(LAN, f"xong #{ref} đã gọi điện")
    assert ("done", "done") == (answer["action"], answer["thread"]["state"])
    [event] = answer["thread"]["history"]
    assert (LAN, "done", "đã gọi điện", "console") == (
        event["actor"],
        event["action"],
        event["detail"],
        event["platform"],
    )
    again = synced.chat(LAN, f"xong #{ref}")
    assert "refused" == again["action"]


def test_not_important_lowers_the_sender_from_now_on(synced: World) -> None:
    """không quan trọng: this thread drops to low, the reason says why, and it is remembered."""
    ref = synced.thread(LAN, "Báo cáo doanh số")["ref"]
    answer = synced.chat(LAN, f"không quan trọng #{ref}")
    assert ("feedback", "low") == (answer["action"], answer["thread"]["importance"])
    assert answer["thread"]["reasons"][0]


def test_a_command_only_touches_the_users_own_threads(synced: World) -> None:
    """David's #ref numbers never reach Lan's threads: refs are per user."""
    lan_refs = {t["ref"] for t in synced.json("threads", LAN, "--all")}
    missing = max(lan_refs) + 1
    answer = synced.chat(LAN, f"done #{missing}")
    assert "error" == answer["action"] and answer["thread"] is None


def test_help_and_unknown_text_in_the_users_language(synced: World) -> None:
    """giúp lists the commands in Vietnamese; gibberish points to help, never silence."""
    assert "help" == synced.chat(LAN, "giúp")["action"]
    assert "hoãn" in synced.chat(LAN, "giúp")["reply"]
    unknown = synced.chat(DAVID, "what is this")
    assert "error" == unknown["action"] and "help" in unknown["reply"]


def test_without_ref_the_last_reminded_thread_is_meant(synced: World) -> None:
    """After the urgent DM to Lan, "hoãn 1h" snoozes that thread."""
    answer = synced.chat(LAN, "hoãn 1h")
    assert "snoozed" == answer["action"]
    assert answer["thread"]["ref"] in {t["ref"] for t in synced.json("threads", LAN)}


def test_a_mistyped_ref_changes_no_thread(synced: World) -> None:
    """ "xong #2x" is no email of hers: it does not close the one last reminded of."""
    before = synced.json("threads", LAN)
    texts = ("xong #2x", "không quan trọng #abc", "xong #")
    answers = [synced.chat(LAN, text) for text in texts]
    assert [("error", None)] * 3 == [(a["action"], a["thread"]) for a in answers]
    assert "Bạn không có email #2x." in answers[0]["reply"]
    assert answers[2]["reply"].startswith("Email nào? Hãy thêm số của email, ví dụ xong #3")
    assert before == synced.json("threads", LAN)


def test_a_holding_reply_to_mail_deleted_meanwhile_says_so_plainly(synced: World) -> None:
    """The email was deleted from the mailbox after the bot saw it: the answer says so, not
    "message inbox/1764…host not found in the Maildir"."""
    ref = synced.thread(DAVID, "Quotation")["ref"]
    for folder in ("cur", "new"):
        for path in (synced.boxes[DAVID] / folder).iterdir():
            if b"Quotation for 500 units" in path.read_bytes():
                path.unlink()
    answer = synced.chat(DAVID, f"hold #{ref} friday")
    assert ("error", "pending") == (answer["action"], answer["thread"]["state"])
    assert "the email is no longer in the mailbox (deleted or moved away: inbox/" in answer["reply"]


def test_a_send_failure_leaves_the_thread_as_it_was(synced: World) -> None:
    """The Sent folder cannot be written: the user is told why, nothing changes."""
    ref = synced.thread(DAVID, "Quotation")["ref"]
    sent = synced.boxes[DAVID] / ".Sent"
    (sent / "tmp").rename(sent / "tmp-away")
    (sent / "tmp").write_text("not a folder")
    answer = synced.chat(DAVID, f"hold #{ref} friday")
    assert ("error", "pending") == (answer["action"], answer["thread"]["state"])
    assert "couldn't send" in answer["reply"]
