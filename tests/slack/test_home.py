"""The App Home tab: open threads most urgent first, the same actions, the user's settings."""

from __future__ import annotations

from typing import Any

import pytest

from tests.slack import payloads
from tests.slack.conftest import LAN, U_LAN, World, actions_of, blocks_text, element


# Forms, Home and typed commands are Slack behaviour; what depends on the engine
# (the outbox, ownership checks, retries) runs on both in the other modules.
@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def opened_home(world: World, user: str = U_LAN) -> dict[str, Any]:
    before = len(world.fake.called("views.publish"))
    assert 200 == world.event(payloads.home_opened(user)).status_code
    published = world.fake.wait("views.publish", before + 1)[-1]
    assert user == published["user_id"]
    return {**published["view"], "id": "V0HOME0001"}


def test_home_lists_open_threads_most_urgent_first_with_actions(served: World) -> None:
    """Lan opens Home: her settings, then her open threads (Minh's first), each with buttons."""
    home = opened_home(served)
    text = blocks_text(home["blocks"])
    assert "*Cài đặt của bạn*" in text
    assert text.index("PO-2311") < min(
        text.index("Hóa đơn tháng 11"), text.index("Báo cáo doanh số")
    )
    assert ["rm_locale", "rm_hours", "rm_digest"] == actions_of(home["blocks"])[:3]
    assert "rm_hold" in actions_of(home["blocks"])


def test_a_click_on_home_acts_and_redraws_home(served: World) -> None:
    """Done on Home: the thread closes and Home is published again, saying so, without it."""
    home = opened_home(served)
    minh = served.thread(LAN, "PO-2311")
    block_id = f"rm:{minh.id}"
    done = next(
        e
        for b in home["blocks"]
        if b.get("block_id") == block_id
        for e in b["elements"]
        if e.get("value", "").startswith("done")
    )
    served.interact(payloads.click_on_view(U_LAN, home, block_id, done))
    served.settle()
    redrawn = served.fake.called("views.publish")[-1]["view"]
    assert "✔ Đã đóng #1." in blocks_text(redrawn["blocks"])
    assert "PO-2311" not in blocks_text(redrawn["blocks"])
    assert "done" == served.thread(LAN, "PO-2311").state


def test_the_digest_can_be_turned_off_from_home(served: World) -> None:
    """Morning digest: on → off; stored, and Home shows it off."""
    home = opened_home(served)
    block_id, button = element(home["blocks"], "rm_digest")
    served.interact(payloads.click_on_view(U_LAN, home, block_id, button))
    served.settle()
    redrawn = served.fake.called("views.publish")[-1]["view"]
    assert "☀️ Bản tin buổi sáng: tắt — bật lên" in blocks_text(redrawn["blocks"])
    with served.app.store.session() as session:
        from bot.store import users

        assert users.user_by_email(session, LAN).digest is False


def test_the_language_can_be_changed_from_home(served: World) -> None:
    """Language → English: stored, and Home (and every later answer) speaks English."""
    home = opened_home(served)
    block_id, menu = element(home["blocks"], "rm_locale")
    english = next(o for o in menu["options"] if o["value"] == "en")
    served.interact(
        payloads.click_on_view(U_LAN, home, block_id, {**menu, "selected_option": english})
    )
    served.settle()
    redrawn = served.fake.called("views.publish")[-1]["view"]
    assert "*Your settings*" in blocks_text(redrawn["blocks"])


def test_working_hours_can_be_changed_from_home(served: World) -> None:
    """Working hours → 09:00-18:00: stored; her deadlines and reminders follow them from now on."""
    home = opened_home(served)
    block_id, menu = element(home["blocks"], "rm_hours")
    assert "org" == menu["initial_option"]["value"]
    later = next(o for o in menu["options"] if o["value"].startswith("09:00"))
    served.interact(
        payloads.click_on_view(U_LAN, home, block_id, {**menu, "selected_option": later})
    )
    served.settle()
    redrawn = served.fake.called("views.publish")[-1]["view"]
    _, shown = element(redrawn["blocks"], "rm_hours")
    assert "09:00-12:00,13:00-18:00" == shown["initial_option"]["value"]
    with served.app.store.session() as session:
        from bot.store import users

        assert "09:00-12:00,13:00-18:00" == users.user_by_email(session, LAN).work_hours


def test_the_messages_tab_is_acknowledged_and_left_alone(served: World) -> None:
    """app_home_opened, Messages tab: 200 (never a 404 Slack would retry), nothing published."""
    response = served.event(payloads.home_opened(U_LAN, tab="messages"))
    served.settle()
    assert (200, []) == (response.status_code, served.fake.called("views.publish"))


def test_home_for_someone_without_a_mailbox_says_whom_to_ask(served: World) -> None:
    """A stranger's Home: one line saying their Slack email is not registered."""
    home = opened_home(served, "U0STRANGER")
    assert "khach@example.org" in blocks_text(home["blocks"])
