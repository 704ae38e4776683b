"""The command grammar: what users type (or buttons send) to the bot, in both languages.

The table is the single source: parsing reads its words, `help` is generated from
its usages and examples, so the two cannot drift. Vietnamese words are also
recognised typed without diacritics ("hoan 2h", "chuyen tiep"), as people often
type on a phone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from bot.core.i18n import Text, render
from bot.core.text import unaccent


class Verb(StrEnum):
    LIST = "list"
    SNOOZE = "snooze"
    HOLD = "hold"
    FORWARD = "forward"
    DONE = "done"
    IMPORTANT = "important"
    NOT_IMPORTANT = "not_important"
    HELP = "help"


@dataclass(frozen=True, slots=True)
class Grammar:
    verb: Verb
    words: tuple[str, ...]  # every spelling, English and Vietnamese
    usage: Text
    summary: Text
    example: Text


GRAMMAR: tuple[Grammar, ...] = (
    Grammar(Verb.LIST, ("list", "ls", "danh sách", "ds"),
            {"en": "list", "vi": "danh sách"},
            {"en": "your open emails, most urgent first", "vi": "các email đang chờ bạn, xếp theo mức độ gấp"},
            {"en": "list", "vi": "danh sách"}),
    Grammar(Verb.SNOOZE, ("snooze", "later", "hoãn", "để sau"),
            {"en": "snooze [#ref] WHEN", "vi": "hoãn [#ref] KHI NÀO"},
            {"en": "pause reminders until WHEN (the deadline stays)",
             "vi": "tạm dừng nhắc đến KHI NÀO (hạn trả lời không đổi)"},
            {"en": "snooze #3 tomorrow 9am", "vi": "hoãn #3 9h sáng mai"}),
    Grammar(Verb.HOLD, ("hold", "promise", "hẹn", "hẹn trả lời"),
            {"en": "hold [#ref] DATE", "vi": "hẹn [#ref] NGÀY"},
            {"en": "tell the sender you will answer in full by DATE",
             "vi": "báo người gửi rằng bạn sẽ trả lời đầy đủ chậm nhất vào NGÀY"},
            {"en": "hold #3 friday", "vi": "hẹn #3 thứ sáu"}),
    Grammar(Verb.FORWARD, ("forward", "fwd", "chuyển tiếp", "chuyển"),
            {"en": "forward [#ref] TO [note]", "vi": "chuyển tiếp [#ref] NGƯỜI NHẬN [ghi chú]"},
            {"en": "forward to an address or a team alias, with a short note",
             "vi": "chuyển cho một địa chỉ hoặc tên nhóm, kèm ghi chú ngắn"},
            {"en": "forward #3 accounting please handle the invoice",
             "vi": "chuyển tiếp #3 ketoan nhờ chị xử lý hóa đơn"}),
    Grammar(Verb.DONE, ("done", "close", "xong", "đóng"),
            {"en": "done [#ref] [reason]", "vi": "xong [#ref] [lý do]"},
            {"en": "close it without a reply", "vi": "đóng mà không cần trả lời"},
            {"en": "done #3 called them", "vi": "xong #3 đã gọi điện"}),
    Grammar(Verb.NOT_IMPORTANT, ("not important", "unimportant", "không quan trọng"),
            {"en": "not important [#ref]", "vi": "không quan trọng [#ref]"},
            {"en": "from now on, rank mail from this sender (or mailing list) lower",
             "vi": "từ nay hạ mức ưu tiên email của người gửi (hoặc danh sách thư) này"},
            {"en": "not important #5", "vi": "không quan trọng #5"}),
    Grammar(Verb.IMPORTANT, ("important", "quan trọng"),
            {"en": "important [#ref]", "vi": "quan trọng [#ref]"},
            {"en": "from now on, rank mail from this sender (or mailing list) higher",
             "vi": "từ nay nâng mức ưu tiên email của người gửi (hoặc danh sách thư) này"},
            {"en": "important #5", "vi": "quan trọng #5"}),
    Grammar(Verb.HELP, ("help", "?", "giúp", "trợ giúp", "hướng dẫn"),
            {"en": "help", "vi": "giúp"},
            {"en": "this list", "vi": "danh sách lệnh này"},
            {"en": "help", "vi": "giúp"}),
)  # fmt: skip

# Longest spellings first, so "not important" wins over "important".
_WORDS = sorted(
    ((tuple(unaccent(word).split()), g.verb) for g in GRAMMAR for word in g.words),
    key=lambda pair: -len(pair[0]),
)
_REF = re.compile(r"^#\s?(\d{1,6})(?!\w)[,.;:!?]*(?:\s+|$)")  # "#3", "# 3", "#3,"
CONFIRM_WORDS = frozenset({"confirm", "yes", "xác nhận", "đồng ý", "xac nhan", "dong y"})


@dataclass(frozen=True, slots=True)
class Command:
    verb: Verb
    ref: int | None = None
    arg: str = ""
    # What followed a "#" that is no thread's number ("#2x", "#abc"): the command then
    # means no thread at all, rather than the last one reminded of.
    bad_ref: str = ""


def parse(text: str) -> Command | None:
    """The command in `text`, or None when it is not one."""
    tokens = unicodedata.normalize("NFC", text).split()
    plain = [unaccent(token) for token in tokens]
    for words, verb in _WORDS:
        if tuple(plain[: len(words)]) == words:
            return _with_ref(verb, " ".join(tokens[len(words) :]))
    return None


def _with_ref(verb: Verb, rest: str) -> Command:
    match = _REF.match(rest)
    if match:
        return Command(verb, int(match.group(1)), rest[match.end() :].strip())
    if rest.startswith("#"):
        return Command(verb, None, rest.strip(), bad_ref=rest.split(maxsplit=1)[0][1:] or "#")
    return Command(verb, None, rest.strip())


def help_text(locale: str) -> str:
    """Every command with what it does and an example, generated from the grammar."""
    lines = []
    for g in GRAMMAR:
        usage, summary = render(g.usage, locale), render(g.summary, locale)
        lines.append(f"• {usage}: {summary} — {render(g.example, locale)}")
    return "\n".join(lines)


def examples(verb: Verb, locale: str) -> str:
    return next(render(g.example, locale) for g in GRAMMAR if g.verb is verb)
