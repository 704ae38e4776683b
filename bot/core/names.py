"""How to call a person in a message: Vietnamese names end with the given name."""

from __future__ import annotations

from bot.core.text import unaccent

# The commonest Vietnamese family names (compared without diacritics, as people type
# them): with one of them first, the given name is the last word.
_VIETNAMESE_FAMILY = frozenset(
    unaccent(name)
    for name in (
        "Nguyễn",
        "Trần",
        "Lê",
        "Phạm",
        "Hoàng",
        "Huỳnh",
        "Phan",
        "Vũ",
        "Võ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Hồ",
        "Ngô",
        "Dương",
        "Lý",
        "Đinh",
        "Trương",
        "Mai",
        "Lâm",
        "Đoàn",
        "Tô",
        "Trịnh",
        "Cao",
        "Hà",
        "Lương",
        "Tạ",
        "Chu",
        "Kiều",
        "Châu",
        "Quách",
        "Thái",
        "Lưu",
        "Vương",
    )
)


def short_name(display: str) -> str:
    """Nguyễn Văn Minh → "Minh"; "John Smith" → "John"; an address → its local part."""
    words = display.replace('"', "").split()
    if not words:
        return ""
    if "@" in words[0] and len(words) == 1:
        return words[0].split("@")[0]
    if len(words) > 1 and unaccent(words[0]) in _VIETNAMESE_FAMILY:
        return words[-1]
    return words[0]
