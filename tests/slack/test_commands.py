"""Typed commands in the DM (English and Vietnamese) and after /replyminder."""

from __future__ import annotations

import pytest

from tests.slack import payloads
from tests.slack.conftest import DAVID, LAN, U_DAVID, U_LAN, World, blocks_text


# Forms, Home and typed commands are Slack behaviour; what depends on the engine
# (the outbox, ownership checks, retries) runs on both in the other modules.
@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def test_snooze_typed_in_english(served: World) -> None:
    """David types "snooze #1 2h": Sarah's mail is snoozed and he is told so, in English."""
    assert 200 == served.event(payloads.dm(U_DAVID, "snooze #1 2h")).status_code
    served.settle()
    answer = served.fake.posted()[-1]
    assert "D" + U_DAVID[1:] == answer["channel"]
    assert answer["text"].startswith("💤 Snoozed #1 until Mon 30/11 10:00.")
    assert "snoozed" == served.thread(DAVID, "Quotation").state


def test_a_holding_reply_typed_in_vietnamese_shows_progress_then_the_result(served: World) -> None:
    """Lan types "hẹn thứ sáu" (her last reminder: Minh): "⏳", then the sent reply, in place."""
    assert 200 == served.event(payloads.dm(U_LAN, "hẹn #1 thứ sáu")).status_code
    served.settle()
    progress = served.fake.posted()[-1]
    assert "⏳ Đang gửi thư hẹn trả lời…" == progress["text"]
    update = served.fake.called("chat.update")[-1]
    assert (progress["channel"], progress["ts"]) == (update["channel"], update["ts"])
    assert "✅ Đã gửi thư hẹn trả lời cho Phạm Minh" in update["text"]
    assert "thứ Sáu, 04/12/2026" in served.sent(LAN)[0]


def test_without_a_ref_the_last_reminder_is_meant(served: World) -> None:
    """ "xong" after the reminders: closes the thread Lan was reminded of last."""
    served.event(payloads.dm(U_LAN, "xong"))
    served.settle()
    assert served.fake.posted()[-1]["text"].startswith("✔ Đã đóng #")
    closed = [t for t in ("PO-2311", "bị khóa") if served.thread(LAN, t).state == "done"]
    assert 1 == len(closed)


def test_list_comes_as_blocks_most_urgent_first(served: World) -> None:
    """ "danh sách": the open threads, Minh's urgent mail first."""
    served.event(payloads.dm(U_LAN, "danh sách"))
    served.settle()
    text = blocks_text(served.fake.posted()[-1]["blocks"])
    assert text.startswith("*📋 Email đang chờ bạn")
    assert text.index("PO-2311") < text.index("Hóa đơn tháng 11")


def test_the_slash_command_answers_only_the_user(served: World) -> None:
    """/replyminder list: acked at once, the list follows on the response URL, ephemeral."""
    response = served.command(U_DAVID, "list")
    assert (200, "") == (response.status_code, response.text)
    served.settle()
    answer = served.fake.called("response_url")[-1]
    assert "ephemeral" == answer["response_type"]
    assert "Your open emails" in answer["text"]


def test_the_slash_command_says_at_once_that_mail_is_being_sent(served: World) -> None:
    """/replyminder hold #4 friday: the ack already says "sending"; the result follows."""
    response = served.command(U_DAVID, "hold #4 friday")
    assert "⏳ Sending the holding reply…" == response.text  # Slack shows a plain-text ack
    served.settle()
    assert "Holding reply sent to Nguyễn Thảo" in served.fake.called("response_url")[-1]["text"]


def test_an_empty_slash_command_is_help(served: World) -> None:
    """/replyminder alone: the commands, with examples, in the user's language."""
    served.command(U_LAN, "")
    served.settle()
    assert "hoãn [#ref] KHI NÀO" in served.fake.called("response_url")[-1]["text"]


def test_someone_without_a_mailbox_is_told_whom_to_ask(served: World) -> None:
    """A DM from a Slack user with no Replyminder mailbox: their Slack email, and who adds it."""
    served.event(payloads.dm("U0STRANGER", "list"))
    served.settle()
    assert "(khach@example.org)" in served.fake.posted()[-1]["text"]


def test_messages_that_are_not_commands_from_people_are_left_alone(served: World) -> None:
    """An edited message and a bot's message are acked and answered with nothing."""
    before = len(served.fake.posted())
    edited = payloads.dm(U_LAN, "list")
    edited["event"]["subtype"] = "message_changed"
    from_bot = payloads.dm(U_LAN, "list")
    from_bot["event"]["bot_id"] = "B0OTHERBOT"
    statuses = [served.event(edited).status_code, served.event(from_bot).status_code]
    served.settle()
    assert ([200, 200], before) == (statuses, len(served.fake.posted()))
