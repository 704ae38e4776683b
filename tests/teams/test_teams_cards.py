"""Teams, unit level: Adaptive Card rendering, reading card clicks back, and the back-off.

(The Agents SDK 1.9 for Python ships no test adapter like botbuilder's TestAdapter;
turns are tested at the protocol level in test_teams_protocol.py.)
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from bot.chat import teams_cards, teams_submit
from bot.chat.teams_retry import Backoff
from bot.core.cards import Action, Card, CardKind, Line
from tests.teams.helpers import texts


def reminder(locale: str = "en", **fields: Any) -> Card:
    values: dict[str, Any] = {
        "kind": CardKind.REMINDER,
        "locale": locale,
        "title": "📬 Phạm Minh is waiting for your reply",
        "thread_id": 41,
        "ref": 3,
        "sender": "Phạm Minh",
        "subject": "PO-2311",
        "excerpt": "Nhờ chị xác nhận giúp em",
        "why": ("marked urgent",),
        "deadline": "due Wed 2/12 17:00 · 24 h left",
        "warnings": ("a link goes elsewhere",),
        "suggestions": ("Forward to Kế toán <ketoan@saomai.vn>? invoices go to accounting",),
        "nudge": "Can't answer yet? Tell Minh you will answer by Tue 1/12",
        "actions": (
            Action("Snooze 1 h", "snooze #3 1h"),
            Action("Tomorrow morning", "snooze #3 tomorrow morning"),
            Action("Holding reply: Tue 1/12", "hold #3 2026-12-01", "primary"),
            Action("Forward to Kế toán", "forward #3 ketoan@saomai.vn"),
            Action("Done", "done #3"),
        ),
    }
    return Card(**(values | fields))


def forms(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["title"]: a["card"] for a in card["actions"] if a["type"] == "Action.ShowCard"}


def test_a_reminder_card_carries_the_console_cards_content() -> None:
    """Sender, subject, excerpt, why, time left, risks, suggestions and the nudge all show."""
    card = reminder()
    rendered = texts(teams_cards.adaptive(card)["body"])
    expected = [
        card.title,
        "#3 Phạm Minh — PO-2311",
        "“Nhờ chị xác nhận giúp em”",
        "• marked urgent",
        "⏰ due Wed 2/12 17:00 · 24 h left",
        "⚠ a link goes elsewhere",
        "→ Forward to Kế toán <ketoan@saomai.vn>? invoices go to accounting",
        "💬 Can't answer yet? Tell Minh you will answer by Tue 1/12",
    ]
    assert expected == rendered


def test_mail_text_is_never_read_as_markdown() -> None:
    """A subject that looks like a markdown link stays plain text (TextRun, not TextBlock)."""
    card = reminder(subject="[Pay now](http://203.0.113.7/pay)")
    body = teams_cards.adaptive(card)["body"]
    assert {"RichTextBlock"} == {block["type"] for block in body}
    assert "#3 Phạm Minh — [Pay now](http://203.0.113.7/pay)" == texts(body)[1]


def test_the_actions_are_snooze_hold_forward_forms_and_done() -> None:
    """Snooze, holding reply and forward become forms; Done stays a button."""
    card = teams_cards.adaptive(reminder())
    titles = [(a["type"], a["title"]) for a in card["actions"]]
    expected = [
        ("Action.ShowCard", "💤 Snooze"),
        ("Action.ShowCard", "🤝 Holding reply"),
        ("Action.ShowCard", "📨 Forward"),
        ("Action.Submit", "Done"),
    ]
    assert expected == titles


def test_the_snooze_form_offers_1h_3h_tomorrow_morning_or_a_typed_time() -> None:
    """The choice set's values are what `snooze` understands; a text box takes any time."""
    snooze = forms(teams_cards.adaptive(reminder("vi")))["💤 Hoãn"]
    choices = [(c["title"], c["value"]) for c in snooze["body"][0]["choices"]]
    expected = [("1 tiếng", "1h"), ("3 tiếng", "3h"), ("Sáng mai", "tomorrow morning")]
    assert (expected, "Input.Text") == (choices, snooze["body"][1]["type"])


def test_the_hold_form_is_prefilled_with_the_proposed_day_and_previews() -> None:
    """The date input starts on the card's proposed day; the nudge and a preview follow."""
    hold = forms(teams_cards.adaptive(reminder()))["🤝 Holding reply"]
    date_input = hold["body"][0]
    assert ("Input.Date", "2026-12-01") == (date_input["type"], date_input["value"])
    assert texts(hold["body"])[1].startswith("Preview: a short, polite email")


def test_the_hold_form_shows_the_very_reply_when_the_card_carries_it() -> None:
    """With the drafted text on the card, the form shows it instead of a description."""
    drafted = "Kính gửi anh/chị Minh,\n\nTôi đã nhận được email “PO-2311”..."
    hold = forms(teams_cards.adaptive(reminder(preview=drafted)))["🤝 Holding reply"]
    assert drafted == texts(hold["body"])[2]


def test_the_forward_form_lists_the_suggestions_and_takes_any_address() -> None:
    """The suggested addresses are choices; a text box takes an address or an alias."""
    forward = forms(teams_cards.adaptive(reminder()))["📨 Forward"]
    choices = forward["body"][0]["choices"]
    ids = [element.get("id") for element in forward["body"]]
    assert (["ketoan@saomai.vn"], ["rm_to", "rm_to_text", "rm_note", None]) == (
        [c["value"] for c in choices],
        ids,
    )


def test_a_phishing_card_offers_only_closing_it() -> None:
    """No snooze, hold or forward for phishing: one destructive button."""
    phishing = reminder(actions=(Action("Reported, close it", "done #3 reported", "danger"),))
    actions = teams_cards.adaptive(phishing)["actions"]
    expected = [("Action.Submit", "Reported, close it", "destructive", "done #3 reported")]
    assert expected == [(a["type"], a["title"], a["style"], a["data"]["command"]) for a in actions]


def test_a_long_digest_ends_with_how_many_more() -> None:
    """A Teams message holds about 28 KB: after 30 lines the digest says how many remain."""
    lines = tuple(Line(i, "Khách", f"Đơn {i}", "còn 5 giờ") for i in range(1, 36))
    digest = Card(CardKind.DIGEST, "vi", "☀️ Chào buổi sáng", lines=lines)
    shown = texts(teams_cards.adaptive(digest)["body"])
    expected = ["#30 Khách — Đơn 30 · còn 5 giờ", "+5 email nữa: gõ “danh sách” để xem hết"]
    assert (32, expected) == (len(shown), shown[-2:])


def submit(card: Card, title: str, **inputs: str) -> dict[str, Any]:
    """What Teams sends back when `title` is clicked: the button's data plus the inputs."""
    rendered = teams_cards.adaptive(card)
    buttons = [a for a in rendered["actions"] if a["type"] == "Action.Submit"]
    buttons += [f["actions"][0] for f in forms(rendered).values()]
    data = next(b["data"] for b in buttons if b["title"] == title)
    return dict(data) | inputs


@pytest.mark.parametrize(
    ("title", "inputs", "expected"),
    [
        ("💤 Snooze", {"rm_when": "3h", "rm_when_text": ""}, "snooze #3 3h"),
        ("💤 Snooze", {"rm_when": "1h", "rm_when_text": "friday 2pm"}, "snooze #3 friday 2pm"),
        ("Send holding reply", {"rm_day": "2026-12-02"}, "hold #3 2026-12-02"),
        (
            "Forward",
            {"rm_to": "ketoan@saomai.vn", "rm_note": "pls"},
            "forward #3 ketoan@saomai.vn pls",
        ),
        ("Forward", {"rm_to": "ketoan@saomai.vn", "rm_to_text": "kho"}, "forward #3 kho"),
        ("Done", {}, "done #3"),
    ],
)
def test_a_click_becomes_the_command_a_user_could_type(
    title: str, inputs: dict[str, str], expected: str
) -> None:
    """Each form's inputs turn into one text command, with the card's thread."""
    submission = teams_submit.read(submit(reminder(), title, **inputs))
    assert teams_submit.Submission(expected, 41, "#3 Phạm Minh — PO-2311") == submission


@pytest.mark.parametrize(
    "value",
    [None, "done #3", {"actionId": "info"}, {"rm": 1}, {"rm": 1, "verb": "rm -rf"}, [1, 2]],
)
def test_data_that_is_not_from_our_cards_is_no_command(value: object) -> None:
    """Somebody else's card, or a click with nothing to do, acts on nothing."""
    assert None is teams_submit.read(value)


def test_an_execute_invoke_carries_the_same_data() -> None:
    """Action.Execute puts the data in value.action.data (teams-net-tests corpus)."""
    value = {"action": {"type": "Action.Execute", "data": {"rm": 1, "command": "done #3"}}}
    assert teams_submit.Submission("done #3", None, "") == teams_submit.read(
        teams_submit.execute_data(value)
    )


def test_the_confirmation_button_adds_the_confirm_word() -> None:
    """Forwarding outside the company is confirmed by the same command plus `confirm`."""
    card = teams_cards.confirmation("#3 Minh — PO", "⚠ outside", "forward #3 a@b.com", 41, "vi")
    button = card["actions"][0]
    read = teams_submit.read(button["data"])
    assert ("Xác nhận", "forward #3 a@b.com confirm", 41) == (
        button["title"],
        read.text if read else None,
        read.thread if read else None,
    )


def test_backoff_waits_grow_under_a_cap_with_jitter() -> None:
    """Full jitter: each wait is within [0, min(cap, base·2^(n-1))]; Retry-After wins, capped."""
    backoff = Backoff(attempts=6, base=0.5, cap=4.0, rng=random.Random(7))
    waits = [backoff.delay(n) for n in range(1, 7)]
    limits = [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert [True] * 6 == [0 <= w <= limit for w, limit in zip(waits, limits, strict=True)]
    assert (3.0, 4.0) == (backoff.delay(1, retry_after=3.0), backoff.delay(1, retry_after=60))
