"""The command grammar, in both languages, with and without diacritics."""

from __future__ import annotations

import pytest

from bot.core.commands import GRAMMAR, Command, Verb, help_text, parse


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("list", Command(Verb.LIST)),
        ("Danh sách", Command(Verb.LIST)),
        ("snooze #3 2h", Command(Verb.SNOOZE, 3, "2h")),
        ("hoãn #3 2 tiếng nữa", Command(Verb.SNOOZE, 3, "2 tiếng nữa")),
        ("hoan 2h", Command(Verb.SNOOZE, None, "2h")),
        ("hold #12 friday", Command(Verb.HOLD, 12, "friday")),
        ("Hẹn #12 thứ sáu", Command(Verb.HOLD, 12, "thứ sáu")),
        ("hen thu sau", Command(Verb.HOLD, None, "thu sau")),
        ("forward #3 a@b.com confirm", Command(Verb.FORWARD, 3, "a@b.com confirm")),
        ("chuyển tiếp #4 ketoan nhờ chị xem", Command(Verb.FORWARD, 4, "ketoan nhờ chị xem")),
        ("chuyen tiep #4 ketoan", Command(Verb.FORWARD, 4, "ketoan")),
        ("done #3 called them", Command(Verb.DONE, 3, "called them")),
        ("xong", Command(Verb.DONE)),
        ("not important #5", Command(Verb.NOT_IMPORTANT, 5)),
        ("không quan trọng", Command(Verb.NOT_IMPORTANT)),
        ("quan trọng #2", Command(Verb.IMPORTANT, 2)),
        ("important", Command(Verb.IMPORTANT)),
        ("help", Command(Verb.HELP)),
        ("giúp", Command(Verb.HELP)),
        ("  SNOOZE   #7   tomorrow 9am ", Command(Verb.SNOOZE, 7, "tomorrow 9am")),
        ("done #3, called them", Command(Verb.DONE, 3, "called them")),
        ("xong #3.", Command(Verb.DONE, 3)),
        # a "#" that is no number means no thread, not the last one reminded of
        ("done #2x", Command(Verb.DONE, None, "#2x", bad_ref="2x")),
        ("not important #abc", Command(Verb.NOT_IMPORTANT, None, "#abc", bad_ref="abc")),
        ("xong #1234567 ok", Command(Verb.DONE, None, "#1234567 ok", bad_ref="1234567")),
        ("hoãn #-1 2h", Command(Verb.SNOOZE, None, "#-1 2h", bad_ref="-1")),
    ],
)
def test_parse(text: str, command: Command) -> None:
    """Typed text and button text become the same command."""
    assert command == parse(text)


@pytest.mark.parametrize("text", ["", "hello", "#3 done", "snoozed", "quan"])
def test_anything_else_is_not_a_command(text: str) -> None:
    """Unknown text gives None (the service answers it with a pointer to help)."""
    assert parse(text) is None


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_help_is_generated_from_the_grammar(locale: str) -> None:
    """Help lists every command of the table with its example, in the user's language."""
    text = help_text(locale)
    assert len(GRAMMAR) == text.count("•")
    for grammar in GRAMMAR:
        assert grammar.example[locale] in text
        assert parse(grammar.example[locale]) is not None
    assert ("hoãn" in text) == (locale == "vi")
