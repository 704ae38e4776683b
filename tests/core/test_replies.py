"""Holding-reply and forward texts: templates filled completely or not sent at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.replies import TemplateError, fill, forward_subject, reply_subject

TEMPLATES = Path(__file__).resolve().parents[2] / "bot" / "templates"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_shipped_holding_templates_fill_completely(language: str) -> None:
    """Each shipped holding template names the date and the signature once filled."""
    text = fill(
        (TEMPLATES / f"holding.{language}.txt").read_text(encoding="utf-8"),
        greeting="Dear Minh",
        subject="Báo giá",
        date="thứ Sáu, 04/12/2026",
        signature="Lan",
    )
    assert "thứ Sáu, 04/12/2026" in text and text.rstrip().endswith("Lan") and "$" not in text


def test_vietnamese_holding_reply_reads_naturally() -> None:
    """The Vietnamese template is polite, with correct diacritics."""
    text = fill(
        (TEMPLATES / "holding.vi.txt").read_text(encoding="utf-8"),
        greeting="Kính gửi anh/chị Minh",
        subject="Báo giá",
        date="thứ Sáu, 04/12/2026",
        signature="Lan",
    )
    assert text.startswith("Kính gửi anh/chị Minh,") and "Trân trọng," in text


def test_a_missing_value_refuses() -> None:
    """A placeholder without a value is an error, not a "$date" in someone's inbox."""
    with pytest.raises(TemplateError, match="date"):
        fill("Answer by $date", name="x")


@pytest.mark.parametrize("leftover", ["{{date}}", "[DATE HERE]", "${other"])
def test_leftover_placeholders_refuse(leftover: str) -> None:
    """Placeholders of other syntaxes left in an overridden template are caught."""
    with pytest.raises(TemplateError):
        fill(f"Dear $name, {leftover}", name="Minh")


def test_an_empty_value_refuses_except_the_optional_note() -> None:
    """An empty name is refused; an empty note is fine."""
    with pytest.raises(TemplateError):
        fill("Dear $name,", name=" ")
    assert "Hi Lan.\n" == fill("Hi $name.$note", name="Lan", note="")


def test_subjects() -> None:
    """Replies get "Re:" once; forwards get "Fwd:" once."""
    assert ("Re: a", "Re: a", "TL: a") == (
        reply_subject("a"),
        reply_subject("Re: a"),
        reply_subject("TL: a"),
    )
    assert ("Fwd: a", "FW: a") == (forward_subject("a"), forward_subject("FW: a"))
