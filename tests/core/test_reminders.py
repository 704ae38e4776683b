"""The reminder policy: which DM a thread deserves and when it is looked at next."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.calendar import WorkCalendar
from bot.core.cards import CardKind
from bot.core.mail import Address
from bot.core.present import deadline_text, digest_card, reminder_card
from bot.core.reminders import Policy, decide, next_check, next_digest, wait_of
from bot.core.risks import Risk, RiskKind
from bot.core.thread import State, ThreadView
from bot.core.triage import Importance

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkCalendar(TZ, holidays=holidays.country_holidays("VN"))
POLICY = Policy()
MONDAY_10 = datetime(2026, 11, 30, 10, 0, tzinfo=TZ)


def thread(importance: Importance = Importance.NORMAL, **changes: object) -> ThreadView:
    received = changes.pop("received_at", MONDAY_10)
    assert isinstance(received, datetime)
    base = ThreadView(
        id=1,
        ref=1,
        subject="Báo giá",
        sender=Address("minh@x.vn", "Phạm Minh"),
        importance=importance,
        state=State.PENDING,
        received_at=received,
        first_seen_at=received,
        due_at=CAL.add(received, 24),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def at(day: str, hour: int, minute: int = 0) -> datetime:
    """`at("30/11", 13)`: that day of 2026 at that local time."""
    d, m = (int(part) for part in day.split("/"))
    return datetime(2026, m, d, hour, minute, tzinfo=TZ)


def test_urgent_is_sent_at_the_first_tick_after_it_is_seen() -> None:
    """An urgent thread gets a reminder at once."""
    decision = decide(thread(Importance.URGENT), CAL, POLICY, MONDAY_10 + timedelta(minutes=1))
    assert decision.send is not None
    assert ("first", CardKind.REMINDER) == (decision.send.name, decision.send.kind)


def test_high_waits_two_working_hours_across_lunch() -> None:
    """A high thread received at 10:00 is reminded at 13:00 (lunch does not count), not before."""
    t = thread(Importance.HIGH)
    assert decide(t, CAL, POLICY, at("30/11", 12, 59)).send is None
    assert at("30/11", 13) == next_check(t, CAL, POLICY)
    decision = decide(t, CAL, POLICY, at("30/11", 13))
    assert decision.send is not None and decision.send.name == "first-high"


def test_normal_is_quiet_until_three_quarters_of_the_sla() -> None:
    """A normal thread gets no DM before 75% of 24 working hours (18 h: Wed 12:00)."""
    t = thread()
    assert at("2/12", 13) == next_check(t, CAL, POLICY)  # 18 wh after Mon 10:00, after lunch
    assert decide(t, CAL, POLICY, at("2/12", 11)).send is None
    decision = decide(t, CAL, POLICY, at("2/12", 13))
    assert decision.send is not None and decision.send.name == "warning"


def test_breach_notice_once_overdue() -> None:
    """Past the deadline the DM is a breach notice, and it covers the earlier warning."""
    t = thread()
    decision = decide(t, CAL, POLICY, at("3/12", 10, 5))
    assert decision.send is not None
    assert (CardKind.BREACH, {"breach", "warning"}) == (decision.send.kind, set(decision.taken))
    done = replace(t, steps_done=decision.taken, last_reminded_at=at("3/12", 10, 5))
    assert decide(done, CAL, POLICY, at("3/12", 11)).send is None
    assert next_check(done, CAL, POLICY) is None


def test_repeats_at_most_every_four_working_hours() -> None:
    """After the first DM an urgent thread is reminded again 4 working hours later."""
    t = thread(Importance.URGENT, steps_done=frozenset({"first"}), last_reminded_at=MONDAY_10)
    assert at("30/11", 15) == next_check(t, CAL, POLICY)
    decision = decide(t, CAL, POLICY, at("30/11", 15))
    assert decision.send is not None and decision.send.name == "repeat-1"


def test_no_dm_outside_working_hours() -> None:
    """An urgent mail seen at night waits for the morning."""
    night = datetime(2026, 11, 30, 22, 0, tzinfo=TZ)
    t = thread(Importance.URGENT, received_at=night)
    assert decide(t, CAL, POLICY, night).send is None
    assert datetime(2026, 12, 1, 8, 0, tzinfo=TZ) == next_check(t, CAL, POLICY)


def test_snooze_pauses_and_its_end_brings_what_fell_due() -> None:
    """A thread snoozed past its deadline wakes with one breach DM that also ends the snooze."""
    until = at("3/12", 14)
    t = thread(state=State.SNOOZED, snoozed_until=until)
    assert decide(t, CAL, POLICY, at("3/12", 11)).send is None  # deadline passed, but snoozed
    assert until == next_check(t, CAL, POLICY)
    decision = decide(t, CAL, POLICY, until)
    assert decision.send is not None and decision.send.kind is CardKind.BREACH
    assert f"snooze-{until.isoformat()}" in decision.taken


def test_holding_reminds_on_the_promised_morning_and_after_the_promise() -> None:
    """A holding thread: a DM at 08:00 of the promised day, a breach notice once it passed."""
    promised = CAL.day_end(datetime(2026, 12, 4).date())
    t = thread(state=State.HOLDING, promised_by=promised)
    assert datetime(2026, 12, 4, 8, 0, tzinfo=TZ) == next_check(t, CAL, POLICY)
    morning = decide(t, CAL, POLICY, datetime(2026, 12, 4, 8, 0, tzinfo=TZ))
    assert morning.send is not None and morning.send.kind is CardKind.PROMISE_DUE
    later = replace(t, steps_done=morning.taken)
    passed = decide(later, CAL, POLICY, datetime(2026, 12, 7, 8, 0, tzinfo=TZ))
    assert passed.send is not None
    assert ("promise-breach", CardKind.BREACH) == (passed.send.name, passed.send.kind)


def test_a_promise_on_round_the_clock_hours_is_due_on_its_own_day() -> None:
    """With WORK_HOURS 00:00-24:00, Wednesday's end is Thursday's midnight: the promised
    morning is still Wednesday's, and the card says "by Wed" (not Thursday, when the
    promise-due DM would have come with the breach and been dropped)."""
    always = WorkCalendar(tz=TZ, spans=((0, 1440),), days=frozenset(range(7)))
    wednesday = date(2026, 12, 2)
    t = thread(state=State.HOLDING, promised_by=always.day_end(wednesday))
    assert datetime(2026, 12, 2, 0, 0, tzinfo=TZ) == next_check(t, always, POLICY)
    due = decide(t, always, POLICY, datetime(2026, 12, 2, 10, 30, tzinfo=TZ)).send
    assert due is not None and due.kind is CardKind.PROMISE_DUE
    promised = deadline_text(t, always, datetime(2026, 12, 2, 10, 30, tzinfo=TZ), "en")
    assert "you promised an answer by Wed 2/12" == promised


def test_mail_found_overdue_at_first_sync_goes_to_the_digest() -> None:
    """A backfilled thread already overdue when first seen gets no warning or breach DM
    (a mailbox with weeks of such mail would start with a burst of them): the digest."""
    old = datetime(2026, 11, 16, 9, 0, tzinfo=TZ)
    for importance in Importance:  # urgent and high ones too: no first DM
        t = thread(importance, received_at=old, first_seen_at=MONDAY_10, backfilled=True)
        decision = decide(t, CAL, POLICY, MONDAY_10)
        assert (None, frozenset()) == (decision.send, decision.taken)
        assert next_check(t, CAL, POLICY) is None
    fresh = thread(Importance.URGENT, received_at=MONDAY_10, backfilled=True)
    assert decide(fresh, CAL, POLICY, MONDAY_10).send is not None  # within its deadline: DMed


def test_closed_threads_are_never_reminded() -> None:
    """Answered, done, forwarded and ignored threads get nothing."""
    for state in (State.ANSWERED, State.DONE, State.FORWARDED, State.IGNORED):
        t = thread(Importance.URGENT, state=state)
        assert (None, None) == (
            decide(t, CAL, POLICY, at("3/12", 11)).send,
            next_check(t, CAL, POLICY),
        )


def test_next_digest_is_the_next_working_morning() -> None:
    """Digests go out at the start of the next working day (skipping the weekend)."""
    assert at("30/11", 8) == next_digest(CAL, datetime(2026, 11, 30, 7, 0, tzinfo=TZ))
    assert at("1/12", 8) == next_digest(CAL, at("30/11", 8))
    friday_evening = datetime(2026, 12, 4, 18, 0, tzinfo=TZ)
    assert datetime(2026, 12, 7, 8, 0, tzinfo=TZ) == next_digest(CAL, friday_evening)


@settings(max_examples=60, deadline=None)
@given(
    importance=st.sampled_from(list(Importance)),
    offsets=st.lists(st.integers(min_value=1, max_value=60 * 24 * 6), min_size=1, max_size=12),
)
def test_a_step_is_never_sent_twice(importance: Importance, offsets: list[int]) -> None:
    """Whatever the ticks, each step goes out at most once and only in working hours."""
    t = thread(importance)
    sent: list[str] = []
    for minutes in sorted(offsets):
        now = MONDAY_10 + timedelta(minutes=minutes)
        decision = decide(t, CAL, POLICY, now)
        if decision.send is not None:
            assert CAL.is_working_time(now)
            sent.append(decision.send.name)
            t = replace(t, last_reminded_at=now)
        t = replace(t, steps_done=t.steps_done | decision.taken)
    assert len(sent) == len(set(sent))


@pytest.mark.parametrize("importance", list(Importance))
def test_next_check_is_always_working_time(importance: Importance) -> None:
    """The policy never schedules a look outside working hours."""
    moment = next_check(
        thread(importance, received_at=datetime(2026, 11, 28, 23, 0, tzinfo=TZ)), CAL, POLICY
    )
    assert moment is not None and CAL.is_working_time(moment)


def test_the_digest_title_counts_in_natural_english() -> None:
    """One email "awaits", two "await"; Vietnamese says it the same way for both."""
    titles = [
        digest_card([thread()] * count, [], CAL, MONDAY_10, locale).title
        for count, locale in ((1, "en"), (2, "en"), (2, "vi"))
    ]
    assert [
        "☀️ Good morning: 1 email awaits your reply",
        "☀️ Good morning: 2 emails await your reply",
        "☀️ Chào buổi sáng: 2 email đang chờ bạn trả lời",
    ] == titles


def test_a_digest_of_risky_mail_only_does_not_say_nothing_awaits_a_reply() -> None:
    """Urgent and high emails have their own reminders: a digest with no normal or low one
    to list only warns, and the warnings are not "also" anything."""
    risky = thread(risks=(Risk(RiskKind.CREDENTIAL_REQUEST, (("found", "enter your password"),)),))
    alone = [digest_card([], [risky], CAL, MONDAY_10, locale) for locale in ("en", "vi")]
    assert [
        "☀️ Good morning: be careful with these emails in your mailbox",
        "☀️ Chào buổi sáng: hãy cẩn thận với các email sau trong hộp thư",
    ] == [card.title for card in alone]
    assert alone[0].body.startswith("  🚩 #1 Phạm Minh — Báo giá: It asks for a password")
    both = digest_card([thread()], [risky], CAL, MONDAY_10, "vi")
    assert "🚩 Ngoài ra, hãy cẩn thận với các email sau trong hộp thư:" == both.body.splitlines()[0]


def test_a_high_thread_made_urgent_by_a_follow_up_is_dmed_at_once() -> None:
    """Reminded as high at 13:00; at 14:00 a follow-up says "KHẨN": DMed at the next tick,
    not at the next repeat, four working hours after the first DM."""
    high = thread(Importance.HIGH)
    first = decide(high, CAL, POLICY, at("30/11", 13))
    assert first.send is not None
    reminded = replace(high, steps_done=first.taken, last_reminded_at=at("30/11", 13))
    urgent = replace(reminded, importance=Importance.URGENT)
    decision = decide(urgent, CAL, POLICY, at("30/11", 14))
    assert decision.send is not None and ("first", CardKind.REMINDER) == (
        decision.send.name,
        decision.send.kind,
    )


def test_each_wait_for_an_answer_has_its_own_outbox_keys() -> None:
    """A reopened thread (a new cycle from a new mail) and a second promise are told apart
    from the first: their DMs are not taken for ones already sent."""
    first, reopened = thread(), thread(received_at=at("3/12", 9))
    promised = replace(first, state=State.HOLDING, promised_by=CAL.day_end(date(2026, 12, 3)))
    again = replace(promised, promised_by=CAL.day_end(date(2026, 12, 7)))
    assert wait_of(first, "breach") != wait_of(reopened, "breach")
    assert wait_of(promised, "promise-due") != wait_of(again, "promise-due")
    assert wait_of(promised, "warning") == wait_of(again, "warning")  # the same cycle


def test_a_phishing_card_shows_no_deadline_to_answer_by() -> None:
    """ "Do not reply, report it" next to "due Wed 17:00 · 24 h left" contradicted itself."""
    risks = (
        Risk(
            RiskKind.SPOOFED_DISPLAY_NAME, (("domain", "vcb-secure.com"), ("name", "Vietcombank"))
        ),
        Risk(RiskKind.CREDENTIAL_REQUEST, (("found", "nhập mật khẩu"),)),
    )
    lure, plain = thread(risks=risks), thread()
    cards = [reminder_card(t, CardKind.REMINDER, CAL, MONDAY_10, "vi", 24) for t in (lure, plain)]
    assert ["", "hạn 10:00 T5 03/12 · còn 24 giờ"] == [card.deadline for card in cards]
    assert cards[0].title.startswith("🚩")


def test_overdue_since_last_evening_is_not_overdue_by_zero_minutes() -> None:
    """Due Wed 17:00, read Thu 08:00: no working minute has passed since, yet it is late."""
    late = thread(due_at=datetime(2026, 12, 2, 17, 0, tzinfo=TZ))
    texts = [
        deadline_text(late, CAL, datetime(2026, 12, 3, hour, 0, tzinfo=TZ), locale)
        for hour, locale in ((8, "en"), (8, "vi"), (9, "vi"))
    ]
    assert [
        "was due Wed 2/12 17:00 · overdue",
        "hạn 17:00 T4 02/12 · đã quá hạn",
        "hạn 17:00 T4 02/12 · đã quá 1 giờ",
    ] == texts
