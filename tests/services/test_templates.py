"""An organisation's own reply templates (`TEMPLATES_DIR`): used, re-read when edited."""

# STYLE.md: tests compare `expected == actual` (move to pyproject's per-file-ignores)

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from bot.core import reminders
from bot.core.calendar import WorkCalendar
from bot.core.mail import Address
from bot.services.send import greeting, holding_body
from bot.services.turn import TEMPLATES, Acting
from bot.store.models import Thread, User


def _no_calendar(timezone: str, work_hours: str | None = None, /) -> WorkCalendar:
    raise AssertionError("reading a template needs no calendar")


def _acting(folder: Path | None) -> Acting:
    return Acting(
        calendar=_no_calendar,
        policy=reminders.Policy(),
        providers={},
        templates_dir=folder,
    )


def test_shipped_template_without_an_override(tmp_path: Path) -> None:
    """No folder, or a folder without that file: the shipped text."""
    shipped = (TEMPLATES / "holding.vi.txt").read_text(encoding="utf-8")
    assert [shipped, shipped] == [
        _acting(None).template("holding", "vi"),
        _acting(tmp_path).template("holding", "vi"),
    ]


def test_an_override_is_used_and_an_edit_is_seen(tmp_path: Path) -> None:
    """The organisation's file wins; rewritten (a new modification time), the new text."""
    mine = tmp_path / "holding.en.txt"
    mine.write_text("Dear $name, by $date. $signature", encoding="utf-8")
    acting = _acting(tmp_path)
    first = acting.template("holding", "en")
    mine.write_text("Hello $name, on $date. $signature", encoding="utf-8")
    later = os.stat(mine).st_mtime_ns + 1_000_000_000
    os.utime(mine, ns=(later, later))
    assert ["Dear $name, by $date. $signature", "Hello $name, on $date. $signature"] == [
        first,
        acting.template("holding", "en"),
    ]


def test_a_removed_override_falls_back_to_ours(tmp_path: Path) -> None:
    """Deleting the organisation's file brings the shipped text back."""
    mine = tmp_path / "forward.vi.txt"
    mine.write_text("Chuyển tiếp: $note", encoding="utf-8")
    acting = _acting(tmp_path)
    assert "Chuyển tiếp: $note" == acting.template("forward", "vi")
    mine.unlink()
    assert (TEMPLATES / "forward.vi.txt").read_text(encoding="utf-8") == acting.template(
        "forward", "vi"
    )


def test_an_unknown_language_uses_the_english_template(tmp_path: Path) -> None:
    """A language without a template of its own gets English, not nothing."""
    assert (TEMPLATES / "holding.en.txt").read_text(encoding="utf-8") == _acting(tmp_path).template(
        "holding", "fr"
    )


def test_a_folder_named_like_a_template_is_not_read(tmp_path: Path) -> None:
    """Only files count: a directory with a template's name is passed over."""
    (tmp_path / "holding.vi.txt").mkdir()
    shipped = (TEMPLATES / "holding.vi.txt").read_text(encoding="utf-8")
    assert shipped == _acting(tmp_path).template("holding", "vi")


def test_a_template_replaced_with_its_old_time_kept_is_read_again(tmp_path: Path) -> None:
    """`cp -p` or `rsync -a` may keep the modification time: a new file is still seen."""
    mine = tmp_path / "holding.en.txt"
    mine.write_text("Dear $name, by $date. $signature", encoding="utf-8")
    acting = _acting(tmp_path)
    first = acting.template("holding", "en")
    kept = os.stat(mine).st_mtime_ns
    newer = tmp_path / "incoming.txt"
    newer.write_text("Hi $name, on $date. $signature", encoding="utf-8")
    os.utime(newer, ns=(kept, kept))
    os.replace(newer, mine)
    assert ["Dear $name, by $date. $signature", "Hi $name, on $date. $signature"] == [
        first,
        acting.template("holding", "en"),
    ]


@pytest.mark.parametrize(
    ("language", "to", "opening"),
    [
        ("vi", Address("thao@vantaiviet.vn", "Nguyễn Thị Thảo"), "Kính gửi anh/chị Thảo,"),
        ("vi", Address("thao@vantaiviet.vn"), "Kính gửi anh/chị,"),
        ("en", Address("sarah@acme.com", "Sarah Chen"), "Dear Sarah,"),
        ("en", Address("sarah@acme.com"), "Hello,"),
    ],
)
def test_a_holding_reply_opens_by_the_senders_name_and_never_by_their_address(
    language: str, to: Address, opening: str
) -> None:
    """Mail whose sender shows no name is answered "Kính gửi anh/chị," or "Hello,", not
    "Dear thao@vantaiviet.vn,"."""
    thread = Thread(language=language, subject="Báo giá")
    body = holding_body(_acting(None), thread, User(name="Lan"), date(2026, 12, 4), to)
    assert opening == body.splitlines()[0]


def test_an_older_holding_template_still_gets_the_name(tmp_path: Path) -> None:
    """A template written before $greeting, with $name, is still filled."""
    (tmp_path / "holding.en.txt").write_text("Dear $name, by $date. $signature", encoding="utf-8")
    thread = Thread(language="en", subject="Quote")
    body = holding_body(
        _acting(tmp_path), thread, User(name="Lan"), date(2026, 12, 4), Address("s@a.com", "Sarah")
    )
    assert "Dear Sarah, by Friday, 4 December 2026. Lan\n" == body


def test_a_forward_to_someone_without_a_name_opens_without_one() -> None:
    """A forward to a bare address greets no one by a piece of it ("Chào anh/chị lan")."""
    assert ["Chào anh/chị Lan", "Chào anh/chị", "Hi", "Kính gửi Phòng Kế toán"] == [
        greeting("forward", "vi", "Lan"),
        greeting("forward", "vi", ""),
        greeting("forward", "en", " "),
        greeting("team", "vi", "Phòng Kế toán"),
    ]
