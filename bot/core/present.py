"""What the user sees of a thread: reminder cards, digest and list lines, deadlines.

Everything is written in the user's language; the card is built once here and
each chat platform only renders it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.core import dates
from bot.core.calendar import WorkCalendar
from bot.core.cards import Action, Card, CardKind, Line
from bot.core.i18n import Text, render
from bot.core.names import short_name
from bot.core.risks import describe as describe_risk
from bot.core.risks import looks_like_phishing
from bot.core.thread import State, ThreadView
from bot.core.triage import Importance
from bot.core.triage import describe as describe_reason

NUDGE_FIRST_SHARE = 0.25  # with less than this share of the SLA left, the nudge leads the card

# The snooze menu of every chat platform: (label, WHEN as `snooze #ref WHEN` reads it).
SNOOZE_CHOICES: tuple[tuple[Text, str], ...] = (
    ({"en": "1 hour", "vi": "1 tiếng"}, "1h"),
    ({"en": "3 hours", "vi": "3 tiếng"}, "3h"),
    ({"en": "Tomorrow morning", "vi": "Sáng mai"}, "tomorrow morning"),
)

T: dict[str, Text] = {
    "reminder": {"en": "📬 {sender} is waiting for your reply",
                 "vi": "📬 {sender} đang chờ bạn trả lời"},
    "breach": {"en": "⏰ Overdue: {sender} is still waiting for your reply",
               "vi": "⏰ Quá hạn: {sender} vẫn đang chờ bạn trả lời"},
    "promise_breach": {"en": "⏰ You promised {sender} an answer by {day}, and it is still open",
                       "vi": "⏰ Bạn đã hẹn trả lời {sender} chậm nhất vào {day} nhưng vẫn chưa trả lời"},
    "promise_due": {"en": "📅 Today is the day you promised {sender} a full answer",
                    "vi": "📅 Hôm nay là hạn bạn đã hẹn trả lời đầy đủ cho {sender}"},
    "phishing": {"en": "🚩 This looks like phishing from {sender}: do not reply or click; report it",
                 "vi": "🚩 Email từ {sender} có dấu hiệu lừa đảo: đừng trả lời hay bấm vào liên kết; hãy báo cáo"},
    "due": {"en": "due {moment} · {left} left", "vi": "hạn {moment} · còn {left}"},
    "overdue": {"en": "was due {moment} · overdue by {left}", "vi": "hạn {moment} · đã quá {left}"},
    # overdue since the end of the last working day: "overdue by 0 min" read oddly
    "overdue_since": {"en": "was due {moment} · overdue", "vi": "hạn {moment} · đã quá hạn"},
    "promised": {"en": "you promised an answer by {day}", "vi": "bạn đã hẹn trả lời chậm nhất vào {day}"},
    "snoozed": {"en": "snoozed until {moment} · due {due}", "vi": "đã hoãn đến {moment} · hạn {due}"},
    "nudge": {"en": "Can't answer yet? Tell {name} you will answer by {day}",
              "vi": "Chưa trả lời được? Báo {name} rằng bạn sẽ trả lời chậm nhất vào {day}"},
    "suggest": {"en": "Forward to {name}? ({reason})", "vi": "Chuyển cho {name}? ({reason})"},
    "snooze_1h": {"en": "Snooze 1 hour", "vi": "Hoãn 1 tiếng"},
    "hold": {"en": "Holding reply: {day}", "vi": "Hẹn trả lời: {day}"},
    "forward": {"en": "Forward to {name}", "vi": "Chuyển cho {name}"},
    "done": {"en": "Done", "vi": "Xong"},
    "reported": {"en": "Reported, close it", "vi": "Đã báo cáo, đóng lại"},
    "digest": {"en": "☀️ Good morning: {count} emails await your reply",
               "vi": "☀️ Chào buổi sáng: {count} email đang chờ bạn trả lời"},
    "digest_one": {"en": "☀️ Good morning: 1 email awaits your reply",
                   "vi": "☀️ Chào buổi sáng: 1 email đang chờ bạn trả lời"},
    # only risky mail to warn of (urgent and high emails have their own reminders)
    "digest_risky_only": {"en": "☀️ Good morning: be careful with these emails in your mailbox",
                          "vi": "☀️ Chào buổi sáng: hãy cẩn thận với các email sau trong hộp thư"},
    "digest_risky": {"en": "🚩 Also be careful with these emails in your mailbox:",
                     "vi": "🚩 Ngoài ra, hãy cẩn thận với các email sau trong hộp thư:"},
    "digest_footer": {"en": "Commands: snooze, hold, forward or done #ref · list · help",
                      "vi": "Lệnh: hoãn, hẹn, chuyển tiếp hoặc xong #ref · danh sách · giúp"},
}  # fmt: skip

_KINDS = {
    CardKind.REMINDER: "reminder",
    CardKind.BREACH: "breach",
    CardKind.PROMISE_DUE: "promise_due",
}
_BADGES = {Importance.URGENT: "🔴", Importance.HIGH: "🟠"}
_STATE_BADGES = {State.SNOOZED: "💤", State.HOLDING: "🤝"}


def deadline_text(t: ThreadView, cal: WorkCalendar, now: datetime, locale: str) -> str:
    """ "due Thu 3/12 10:00 · 5 h left", or overdue, promised, snoozed."""
    if t.state is State.HOLDING and t.promised_by:
        return render(T["promised"], locale, day=_promised(t.promised_by, cal, locale))
    moment = dates.format_moment(t.due_at, locale, cal.tz)
    if t.state is State.SNOOZED and t.snoozed_until:
        until = dates.format_moment(t.snoozed_until, locale, cal.tz)
        return render(T["snoozed"], locale, moment=until, due=moment)
    left = cal.between(now, t.due_at)
    if left.total_seconds() > 0:
        key = "due"
    else:  # (no working minute yet past it: the morning after a deadline at the day's end)
        key = "overdue" if left.total_seconds() <= -60 else "overdue_since"
    return render(T[key], locale, moment=moment, left=dates.format_hours(left, locale))


def _promised(promised_by: datetime, cal: WorkCalendar, locale: str) -> str:
    """The day promised: `promised_by` is its end, which is midnight after it on 24:00 hours."""
    return dates.format_day_short(cal.day_ended_by(promised_by), locale)


def proposed_promise(cal: WorkCalendar, now: datetime) -> date:
    """The date a holding reply proposes by default: the next working day."""
    return cal.next_working_day(now.astimezone(cal.tz).date())


def reminder_card(
    t: ThreadView,
    kind: CardKind,
    cal: WorkCalendar,
    now: datetime,
    locale: str,
    sla_hours: float,
) -> Card:
    phishing = looks_like_phishing(t.risks)
    sender = t.sender.display
    if phishing:
        title = render(T["phishing"], locale, sender=sender)
    elif kind is CardKind.BREACH and t.state is State.HOLDING and t.promised_by:
        title = render(
            T["promise_breach"], locale, sender=sender, day=_promised(t.promised_by, cal, locale)
        )
    else:
        title = render(T[_KINDS[kind]], locale, sender=sender)
    left = cal.between(now, t.deadline()).total_seconds() / 3600
    return Card(
        kind=kind,
        locale=locale,
        title=title,
        thread_id=t.id,
        ref=t.ref,
        sender=sender,
        subject=t.subject,
        excerpt=t.excerpt,
        why=tuple(describe_reason(r, locale) for r in t.reasons),
        deadline="" if phishing else deadline_text(t, cal, now, locale),  # expects no answer
        warnings=tuple(describe_risk(r, locale) for r in t.risks),
        suggestions=() if phishing else _suggestion_lines(t, locale),
        nudge="" if phishing else _nudge(t, cal, now, locale),
        nudge_first=not phishing and left < sla_hours * NUDGE_FIRST_SHARE,
        actions=_actions(t, cal, now, locale, phishing),
    )


def _suggestion_lines(t: ThreadView, locale: str) -> tuple[str, ...]:
    return tuple(
        render(T["suggest"], locale, name=f"{s.to.display} <{s.to.email}>", reason=s.reason(locale))
        for s in t.suggestions
    )


def _nudge(t: ThreadView, cal: WorkCalendar, now: datetime, locale: str) -> str:
    if t.state is State.HOLDING:
        return ""
    day = dates.format_day_short(proposed_promise(cal, now), locale)
    return render(T["nudge"], locale, name=short_name(t.sender.display), day=day)


def _actions(
    t: ThreadView,
    cal: WorkCalendar,
    now: datetime,
    locale: str,
    phishing: bool,
) -> tuple[Action, ...]:
    ref = f"#{t.ref}"
    if phishing:
        return (
            Action(render(T["reported"], locale), f"done {ref} reported as phishing", "danger"),
        )
    promise = proposed_promise(cal, now)
    actions = [
        Action(render(T["snooze_1h"], locale), f"snooze {ref} 1h"),
        Action(render(SNOOZE_CHOICES[2][0], locale), f"snooze {ref} {SNOOZE_CHOICES[2][1]}"),
    ]
    if t.state is not State.HOLDING:
        label = render(T["hold"], locale, day=dates.format_day_short(promise, locale))
        actions.append(Action(label, f"hold {ref} {promise.isoformat()}", "primary"))
    actions += [
        Action(render(T["forward"], locale, name=s.short_name), f"forward {ref} {s.to.email}")
        for s in t.suggestions[:1]
    ]
    actions.append(Action(render(T["done"], locale), f"done {ref}"))
    return tuple(actions)


def line(t: ThreadView, cal: WorkCalendar, now: datetime, locale: str) -> Line:
    """One thread in a list or a digest, with its badges."""
    badges = [_BADGES.get(t.importance, ""), _STATE_BADGES.get(t.state, "")]
    if t.risks:
        badges.append("🚩" if looks_like_phishing(t.risks) else "⚠")
    return Line(
        ref=t.ref,
        sender=t.sender.display,
        subject=t.subject,
        due=deadline_text(t, cal, now, locale),
        badges=tuple(b for b in badges if b),
    )


def digest_card(
    waiting: Sequence[ThreadView],
    risky: Sequence[ThreadView],
    cal: WorkCalendar,
    now: datetime,
    locale: str,
) -> Card:
    lines = tuple(line(t, cal, now, locale) for t in waiting)
    body = ""
    if risky:
        warned = [
            f"  🚩 #{t.ref} {t.sender.display} — {t.subject}: " + describe_risk(t.risks[0], locale)
            for t in risky
        ]
        header = [render(T["digest_risky"], locale)] if waiting else []  # else it is the title
        body = "\n".join([*header, *warned])
    return Card(
        kind=CardKind.DIGEST,
        locale=locale,
        title=render(T["digest_one" if len(waiting) == 1 else "digest"], locale, count=len(waiting))
        if waiting
        else render(T["digest_risky_only"], locale),
        lines=lines,
        body=body,
        nudge=render(T["digest_footer"], locale),
    )
