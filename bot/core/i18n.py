"""Bilingual texts: every message the bot writes exists in Vietnamese and English.

A `Text` is a small mapping from locale to a `str.format` template. Each module that
speaks to the user keeps its own table of texts next to the rules that use them, so
that a rule and its wording are read (and translated) together.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

LOCALES: Final = ("vi", "en")
DEFAULT_LOCALE: Final = "vi"

Text = Mapping[str, str]


def pick(locale: str) -> str:
    """The supported locale closest to `locale` ("vi-VN" → "vi", unknown → default)."""
    base = locale.lower().replace("_", "-").split("-")[0]
    return base if base in LOCALES else DEFAULT_LOCALE


def render(text: Text, locale: str, /, **params: object) -> str:
    template = text.get(pick(locale)) or text["en"]
    return template.format(**params) if params else template
