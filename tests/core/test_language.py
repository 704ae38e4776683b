"""language_of and plain: telling Vietnamese from English, and taking accents off."""

# STYLE.md: tests compare `expected == actual` (move to pyproject's per-file-ignores)

from __future__ import annotations

import pytest

from bot.core.language import language_of, plain
from tests.core.mails import mail


def test_vietnamese_with_diacritics() -> None:
    """A mail written with Vietnamese letters is Vietnamese."""
    assert "vi" == language_of(mail(subject="Báo cáo tuần", text="Chào anh, em gửi báo cáo."))


def test_english() -> None:
    """A plain English mail is English."""
    assert "en" == language_of(mail(subject="Weekly report", text="Hi Minh, here is the report."))


def test_vietnamese_typed_without_accents() -> None:
    """Vietnamese typed without diacritics is still recognised by its common words."""
    text = "Chao anh Minh, em gui anh bao cao tuan nay nhe. Cam on anh."
    assert "vi" == language_of(mail(subject="bao cao", text=text))


def test_header_decides_when_text_shows_nothing() -> None:
    """Content-Language decides for a text with no Vietnamese letters and few words."""
    assert "vi" == language_of(mail(subject="OK", text="OK", headers={"Content-Language": "vi-VN"}))


def test_vietnamese_letters_beat_outlooks_header() -> None:
    """Outlook's "Content-Language: en-US" does not make a Vietnamese text English."""
    written = mail(text="Anh xem giúp em hợp đồng nhé.", headers={"Content-Language": "en-US"})
    assert "vi" == language_of(written)


def test_french_accents_are_not_vietnamese() -> None:
    """Accents shared with French (é, è, à, ô) do not make a mail Vietnamese."""
    text = "Bonjour, voilà le résumé de la réunion de l'équipe, à bientôt."
    assert "en" == language_of(mail(subject="Réunion", text=text))


@pytest.mark.parametrize(
    ("written", "expected"),
    [("Khẩn cấp: Đề nghị", "Khan cap: De nghi"), ("hỏa tốc", "hoa toc"), ("ASAP", "ASAP")],
)
def test_plain_takes_accents_off_and_keeps_length(written: str, expected: str) -> None:
    """plain() removes diacritics and đ, character for character."""
    assert (expected, len(written)) == (plain(written), len(plain(written)))
