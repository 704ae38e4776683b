"""The forms: holding reply (date and editable text), forward (suggestions, picker,
address, confirmation outside the company) and snooze until another time."""

from __future__ import annotations

from typing import Any

import pytest

from tests.slack import payloads
from tests.slack.conftest import DAVID, LAN, U_DAVID, U_LAN, U_QUANG, World, blocks_text, element
from tests.slack.test_buttons import click, dm_about


# Forms, Home and typed commands are Slack behaviour; what depends on the engine
# (the outbox, ownership checks, retries) runs on both in the other modules.
@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def opened(
    world: World, user: str, message: dict[str, Any], action_id: str, **action: Any
) -> dict[str, Any]:
    """Click `action_id` on `message`; the form Slack was asked to open."""
    assert 200 == click(world, user, message, action_id, **action)
    view: dict[str, Any] = world.fake.wait("views.open")[-1]["view"]
    return {**view, "id": "V0FORM0001", "hash": "1.abc"}


def submit(world: World, user: str, view: dict[str, Any], values: dict[str, Any]) -> Any:
    response = world.interact(payloads.submission(user, view, values))
    assert 200 == response.status_code
    return response.json() if response.text else None


def text_value(block_id: str, action_id: str, value: str) -> dict[str, Any]:
    return {block_id: {action_id: {"type": "plain_text_input", "value": value}}}


def reminded_thao(world: World) -> dict[str, Any]:
    """David's reminder about Thảo's quote (it comes on Wednesday at 10:00)."""
    posted = world.remind(world.clock.now().replace(day=2, month=12, hour=10))
    return next(m for m in posted if "Báo giá vận chuyển" in blocks_text(m["blocks"]))


def test_hold_opens_a_form_with_the_next_working_day_and_the_text(served: World) -> None:
    """Send holding reply: a date picker on Tue 1 Dec and the template's text, editable."""
    view = opened(served, U_LAN, dm_about(served, "PO-2311"), "rm_hold")
    picker = next(b for b in view["blocks"] if b["block_id"] == "day")
    text = next(b for b in view["blocks"] if b["block_id"].startswith("text:"))
    assert "2026-12-01" == picker["element"]["initial_date"]
    assert "Kính gửi anh/chị Minh" in text["element"]["initial_value"]
    assert "Trần Thị Lan" in text["element"]["initial_value"]


def test_the_edited_holding_reply_is_sent_and_the_dm_says_so(served: World) -> None:
    """Submit with an edited text: that text goes to Minh, the DM shows progress then the result."""
    view = opened(served, U_LAN, dm_about(served, "PO-2311"), "rm_hold")
    values = {
        "day": {"rm_hold_date": {"type": "datepicker", "selected_date": "2026-12-02"}},
        **text_value("text:2026-12-01", "text", "Chào Minh, chị sẽ xác nhận PO-2311 trước thứ tư."),
    }
    assert submit(served, U_LAN, view, values) is None  # acked: the form closes
    served.settle()
    sent = served.sent(LAN)
    assert 1 == len(sent) and "chị sẽ xác nhận PO-2311 trước thứ tư" in sent[0]
    progress, result = served.fake.called("chat.update")[-2:]
    assert "⏳ Đang gửi thư hẹn trả lời…" in blocks_text(progress["blocks"])
    assert "✅ Đã gửi thư hẹn trả lời cho Phạm Minh" in blocks_text(result["blocks"])
    assert "rm_hold" not in str(result["blocks"])  # a holding reply went: that button is gone
    assert "holding" == served.thread(LAN, "PO-2311").state


def test_a_new_date_rewrites_the_text(served: World) -> None:
    """Picking Thursday in the form: views.update with the text written for Thursday."""
    view = opened(served, U_LAN, dm_about(served, "PO-2311"), "rm_hold")
    action = {"type": "datepicker", "action_id": "rm_hold_date", "selected_date": "2026-12-03"}
    assert 200 == served.interact(payloads.click_on_view(U_LAN, view, "day", action)).status_code
    redrawn = served.fake.wait("views.update")[-1]
    assert "V0FORM0001" == redrawn["view_id"]
    text = next(b for b in redrawn["view"]["blocks"] if b["block_id"].startswith("text:"))
    assert "text:2026-12-03" == text["block_id"]
    assert "03/12/2026" in text["element"]["initial_value"]


def test_a_day_off_is_refused_under_the_date_and_nothing_is_sent(served: World) -> None:
    """Saturday: the form answers with an error on the date field; no mail leaves."""
    view = opened(served, U_LAN, dm_about(served, "PO-2311"), "rm_hold")
    values = {"day": {"rm_hold_date": {"type": "datepicker", "selected_date": "2026-12-05"}}}
    answer = submit(served, U_LAN, view, values)
    assert "errors" == answer["response_action"]
    assert "không phải ngày làm việc" in answer["errors"]["day"]
    served.settle()
    assert [] == served.sent(LAN)


def test_forward_offers_the_suggestions_a_picker_and_an_address(served: World) -> None:
    """Forward…: accounting is suggested for Hoàng's invoice; a user picker; an email field."""
    message = reminded_hoang(served)
    view = opened(served, U_LAN, message, "rm_forward")
    suggested = next(b for b in view["blocks"] if b["block_id"] == "suggested")
    assert ["ketoan@saomai.vn"] == [o["value"] for o in suggested["element"]["options"]]
    kinds = [b["element"]["type"] for b in view["blocks"] if b["type"] == "input"]
    assert ["radio_buttons", "users_select", "plain_text_input", "plain_text_input"] == kinds


def reminded_hoang(world: World) -> dict[str, Any]:
    """Lan's reminder about Hoàng's invoice (due Wed 15:20; it comes that morning at 08:30)."""
    posted = world.remind(world.clock.now().replace(day=2, month=12, minute=30))
    return next(
        m for m in posted if "Hóa đơn tháng 11" in m["text"] and "Lê Hoàng" in m["text"][:80]
    )


def test_forward_to_a_slack_colleague_uses_their_slack_email(served: World) -> None:
    """Picking Quang in the user picker: his address comes from users.info, the mail goes to him."""
    view = opened(served, U_DAVID, reminded_thao(served), "rm_forward")
    values = {"user": {"user": {"type": "users_select", "selected_user": U_QUANG}}}
    assert submit(served, U_DAVID, view, values) is None
    served.settle()
    assert any(c["user"] == U_QUANG for c in served.fake.called("users.info"))
    sent = served.sent(DAVID)
    assert 1 == len(sent) and "quang@saomai.vn" in sent[0]
    assert "forwarded" == served.thread(DAVID, "Báo giá vận chuyển").state


def test_forward_outside_the_company_asks_first(served: World) -> None:
    """An outside address: nothing is sent until the user clicks the confirmation."""
    message = reminded_thao(served)
    view = opened(served, U_DAVID, message, "rm_forward")
    values = text_value("email", "email", "partner@elsewhere.com")
    assert submit(served, U_DAVID, view, values) is None
    asked = served.fake.wait("chat.update", 2)[-1]  # "⏳ Forwarding…", then the question
    assert "partner@elsewhere.com is outside the company" in blocks_text(asked["blocks"])
    assert [] == served.sent(DAVID)
    updated = {**message, "blocks": asked["blocks"]}
    assert 200 == click(served, U_DAVID, updated, "rm_cmd:confirm")
    served.settle()
    sent = served.sent(DAVID)
    assert 1 == len(sent) and "partner@elsewhere.com" in sent[0]


def test_forward_with_nobody_chosen_is_refused_in_the_form(served: World) -> None:
    """Submitting an empty forward form: an error under the address field."""
    view = opened(served, U_DAVID, reminded_thao(served), "rm_forward")
    answer = submit(served, U_DAVID, view, {})
    assert {
        "response_action": "errors",
        "errors": {"email": "Pick a suggestion, a person or an email address."},
    } == answer


def test_snooze_until_another_time_reads_vietnamese(served: World) -> None:
    """Snooze → another time…: a form; "9h sáng mai" snoozes until Tuesday 9:00; the DM says so."""
    message = dm_about(served, "PO-2311")
    _, menu = element(message["blocks"], "rm_snooze")
    view = opened(served, U_LAN, message, "rm_snooze", selected_option=menu["options"][-1])
    assert submit(served, U_LAN, view, text_value("when", "when", "9h sáng mai")) is None
    served.settle()
    assert "💤 Đã hoãn #1 đến 09:00 T3 01/12" in blocks_text(
        served.fake.called("chat.update")[-1]["blocks"]
    )
    assert "snoozed" == served.thread(LAN, "PO-2311").state


def test_an_unreadable_time_is_refused_in_the_form(served: World) -> None:
    """Snooze until "someday": the form shows why under the field; nothing changes."""
    message = dm_about(served, "PO-2311")
    _, menu = element(message["blocks"], "rm_snooze")
    view = opened(served, U_LAN, message, "rm_snooze", selected_option=menu["options"][-1])
    answer = submit(served, U_LAN, view, text_value("when", "when", "someday"))
    assert "errors" == answer["response_action"] and "someday" in answer["errors"]["when"]
    assert "pending" == served.thread(LAN, "PO-2311").state
