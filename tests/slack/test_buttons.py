"""Clicks on a reminder DM: each button acts, and the DM is updated in place."""

from __future__ import annotations

from typing import Any

from tests.slack import payloads
from tests.slack.conftest import LAN, U_DAVID, U_LAN, World, actions_of, blocks_text, element


def dm_about(world: World, subject: str) -> dict[str, Any]:
    return next(m for m in world.fake.posted() if subject in blocks_text(m["blocks"]))


def click(world: World, user: str, message: dict[str, Any], action_id: str, **action: Any) -> int:
    block_id, widget = element(message["blocks"], action_id)
    payload = payloads.click_on_message(user, message, block_id, {**widget, **action})
    return world.interact(payload).status_code


def test_snooze_from_the_menu_updates_the_dm(served: World) -> None:
    """Snooze → 1 hour: acked, the thread is snoozed, the DM shows it and keeps its buttons."""
    message = dm_about(served, "PO-2311")
    _, menu = element(message["blocks"], "rm_snooze")
    assert 200 == click(served, U_LAN, message, "rm_snooze", selected_option=menu["options"][0])
    served.settle()
    update = served.fake.called("chat.update")[-1]
    assert (message["channel"], message["ts"]) == (update["channel"], update["ts"])
    assert "💤 Đã hoãn #1 đến 09:00 T2 30/11" in blocks_text(update["blocks"])
    assert "rm_snooze" in actions_of(update["blocks"])
    assert "snoozed" == served.thread(LAN, "PO-2311").state


def test_done_closes_the_thread_and_takes_the_buttons_away(served: World) -> None:
    """Done: the thread is closed and the updated DM has no buttons left."""
    message = dm_about(served, "PO-2311")
    assert 200 == click(served, U_LAN, message, "rm_cmd")
    served.settle()
    update = served.fake.called("chat.update")[-1]
    assert "✔ Đã đóng #1." in blocks_text(update["blocks"])
    assert [] == actions_of(update["blocks"])
    assert "done" == served.thread(LAN, "PO-2311").state


def test_a_button_on_someone_elses_thread_changes_nothing(served: World) -> None:
    """David clicks Done on Lan's card (a forged payload): refused, Lan's thread untouched."""
    message = dm_about(served, "PO-2311")
    before = served.thread(LAN, "PO-2311")
    assert 200 == click(served, U_DAVID, message, "rm_cmd")
    served.settle()
    after = served.thread(LAN, "PO-2311")
    assert (before.state, before.updated_at) == (after.state, after.updated_at)
    assert [] == served.fake.called("chat.update")
    answer = served.fake.posted()[-1]
    assert "That email is not yours, so I changed nothing." == answer["text"]


def test_a_button_from_a_stranger_gets_who_to_ask(served: World) -> None:
    """Someone Slack knows but Replyminder does not: told whom to ask, nothing changes."""
    message = dm_about(served, "PO-2311")
    assert 200 == click(served, "U0STRANGER", message, "rm_cmd")
    served.settle()
    assert "khach@example.org" in served.fake.posted()[-1]["text"]
    assert "pending" == served.thread(LAN, "PO-2311").state
