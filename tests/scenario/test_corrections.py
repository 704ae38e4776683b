"""The user's corrections (issue 8, "Also"): recorded, shown in words, applied at once."""

from __future__ import annotations

from tests.scenario.conftest import LAN, World


def test_important_raises_the_thread_and_says_why(synced: World) -> None:
    """quan trọng #ref: at least high now, the first reason in Vietnamese words."""
    thread = synced.thread(LAN, "Báo cáo doanh số")
    answer = synced.chat(LAN, f"quan trọng #{thread['ref']}")
    shown = answer["thread"]
    assert ("feedback", "bạn đã đánh dấu thư này là quan trọng") == (
        answer["action"],
        shown["reasons"][0],
    )
    assert shown["importance"] in ("high", "urgent")


def test_not_important_is_shown_in_words(synced: World) -> None:
    """không quan trọng #ref: low, and `threads --json` gives the reason as a sentence."""
    ref = synced.thread(LAN, "Báo cáo doanh số")["ref"]
    synced.chat(LAN, f"không quan trọng #{ref}")
    thread = synced.thread(LAN, "Báo cáo doanh số")
    assert ("low", "bạn đã đánh dấu thư này là không quan trọng") == (
        thread["importance"],
        thread["reasons"][0],
    )
