"""The wording of phishing and fraud: requests for credentials or money, EN and VI.

Used by `bot/core/risks.py`. Words alone are not enough: a password reminder you asked
for, or a bank's "never share your OTP", must not fire. So each lure needs a request
to hand something over ("enter your password", "xác minh tài khoản", "send us your
bank details"), is skipped when the sentence negates it ("we will never ask for your
password", "không cung cấp mã OTP"), and most need a link or a stranger to matter.
Patterns are matched on accent-free text (see `cues.Cue`), case-insensitive.
"""

from __future__ import annotations

import re
from typing import Final

from bot.core import folded
from bot.core.cues import REQUEST, Prose, held, sentences
from bot.core.language import plain

_GIVE: Final = (
    r"(?<![-\w])(?:enter|type in|input|confirm|verify|validate|update|provide|send(?: us)?|submit"
    r"|share|reply with|unlock|reactivate|nhap|xac nhan|xac minh|xac thuc|cung cap"
    r"|gui (?:lai|cho|qua|ngay)"  # never a bare "gui": English mail talks about the GUI
    r"|cap nhat|kich hoat lai|mo khoa)"
)
_LOGIN_WORDS: Final = (
    r"(?:password|passcode|passwd|pin(?: code)?|otp|one[- ]time (?:code|password)|security code"
    r"|verification code|credentials"
    r"|(?:login|sign[- ]in|account) (?:details|information|credentials)"
    r"|mat khau|ma otp|ma xac (?:thuc|nhan|minh)|ma pin|thong tin dang nhap|ten dang nhap)(?!\w)"
)
_VERIFY_ACCOUNT: Final = (
    r"(?:verify|confirm|validate|reactivate|unlock) (?:your |the )?(?:account|identity|mailbox"
    r"|email account)|account verification|(?:xac minh|xac thuc|xac nhan|kich hoat lai|mo khoa)"
    r" (?:lai )?tai khoan"
)
_THREAT: Final = (
    r"suspend(?:ed)?|locked|disabled|deactivat\w*|terminated|unusual (?:sign-in |login )?activity"
    r"|unauthori[sz]ed|within \d+ hours|immediately|urgent|bi khoa|tam khoa|vo hieu hoa"
    r"|dang nhap bat thuong|trong vong \d+ (?:gio|tieng)|ngay lap tuc"
)
_ACCESS: Final = r"log ?in|sign ?in|password|reset|dang nhap|mat khau"

_NEGATION: Final = re.compile(
    r"(?<!\w)(?:never|not|no one|nobody|khong|không|đừng|chua bao gio|chưa bao giờ)(?!\w)|n't\b",
    re.IGNORECASE,
)
_LOOK_BACK: Final = 40  # characters before a lure in which a negation cancels it
QUOTE_LIMIT: Final = 60  # characters of a found phrase quoted in a warning


def _pattern(alternatives: str, *guard: str) -> re.Pattern[str]:
    """Whole words, case-insensitive; `guard`: words one of which every match holds,
    searched for first (see `folded.guard`, which proves it)."""
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    return folded.guard(pattern, *guard) if guard else pattern


_GIVE_SECRET: Final = _pattern(
    rf"{_GIVE}\W+(?:\w+\W+){{0,5}}?{_LOGIN_WORDS}",
    *("password", "passcode", "passwd", "pin", "otp", "one time", "one-time", "security code"),
    *("verification code", "credential", "login details", "login information", "sign-in"),
    *("sign in", "account details", "account information", "mat khau", "ma xac", "dang nhap"),
)
_VERIFY: Final = _pattern(_VERIFY_ACCOUNT, "account", "identity", "mailbox", "tai khoan")
_THREAT_TO_LOG_IN: Final = _pattern(
    rf"(?:{_THREAT})[\s\S]{{0,150}}?(?:{_ACCESS})",
    *("log in", "login", "sign in", "signin", "password", "reset", "dang nhap", "mat khau"),
)
_BY_REPLY: Final = re.compile(r"send|reply|gui|cung cap", re.IGNORECASE)


def _asserted(pattern: re.Pattern[str], sentence: Prose) -> str | None:
    """The first match that no negation just before it cancels, quoted as written."""
    for found in folded.finditer(pattern, sentence.plain):
        before = sentence.text[max(0, found.start() - _LOOK_BACK) : found.start()]
        if not _NEGATION.search(before):
            return quote(sentence.text[found.start() : found.end()])
    return None


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """A found phrase on one line, cut short for a warning."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def credential_lure(prose: Prose, has_links: bool) -> str | None:
    """A request to hand over a password or OTP, to verify an account, or a login threat."""
    for sentence in sentences(prose, _GIVE_SECRET, *([_VERIFY] if has_links else [])):
        handed = _asserted(_GIVE_SECRET, sentence)
        if handed and (has_links or _BY_REPLY.match(plain(handed))):
            return handed
        verify = _asserted(_VERIFY, sentence) if has_links else None
        if verify:
            return verify
    return _asserted(_THREAT_TO_LOG_IN, prose) if has_links else None


_CHANGED_ACCOUNT: Final = _pattern(
    r"(?:new|updated|changed?|different)"
    r" (?:bank(?:ing)? (?:details|account(?: number)?|information)|account (?:number|details))"
    r"|bank(?:ing)? details (?:have |has )?changed"
    r"|change (?:of|in|to) (?:our )?bank(?:ing)? (?:details|account)"
    r"|(?:pay|transfer|send|remit)\w* (?:\w+ ){0,4}(?:to|into) (?:our|the|this) new"
    r" (?:bank )?account"
    r"|(?:thay doi|cap nhat|doi) (?:so )?tai khoan(?: ngan hang)?"
    r"|(?:so )?tai khoan (?:ngan hang )?moi",
    *("bank", "account number", "account details", "new account", "tai khoan"),
)
_PAYMENT: Final = _pattern(
    r"wire transfer|bank transfer|transfer (?:the )?(?:funds|money|payment|amount)"
    r"|bank account (?:number|details)|account number|iban|swift code|routing number"
    r"|credit card (?:number|details|information)|card number|cvv|cvc"
    r"|(?:buy|purchase|get) (?:\w+ )?gift cards?|gift card (?:codes?|numbers?)"
    r"|pay (?:the|this|our) invoice|(?:overdue|outstanding|unpaid) invoice"
    r"|chuyen khoan|so tai khoan|the tin dung|so the (?:tin dung|ngan hang|atm|visa)|ma cvv"
    r"|thanh toan (?:hoa don|gap|ngay|truoc|vao tai khoan)"
)
_ASKED: Final = _pattern(
    r"^\s*(?:send|transfer|wire|pay|provide|confirm|update|chuyen|gui|thanh toan|cung cap"
    r"|xac nhan)(?!\w)|your|cua (?:ban|anh|chi|quy khach|quy cong ty)"
)
_WINDFALL: Final = _pattern(
    r"(?P<fortune>(?:million|billion)s?\s+(?:of\s+)?(?:united states? |us |u\.s\. )?"
    r"(?:dollars|usd|euros?|pounds)|\$\s?\d{1,3}(?:,\d{3}){2,}"
    r"|\$\s?\d+(?:\.\d+)?\s?m(?:illion)?)"
    r"|(?P<heir>beneficiary|next of kin|widow of|late (?:husband|father|president|client))"
    r"|(?P<abroad>foreign (?:bank )?account|(?:foreign|overseas) partner)"
    r"|(?P<claim>(?:claim|release) (?:of )?(?:this|the) (?:money|funds?|sum)"
    r"|(?:deposited|lodged) (?:\w+ ){0,3}(?:with|in) a (?:security|finance|private)"
    r" (?:company|firm))"
    r"|(?P<share>\d{1,2}\s?(?:%|percent) of (?:the|this) (?:total )?(?:funds?|sum|money|amount))"
    r"|(?P<safe>risk[- ]free|100% safe)"
    r"|(?P<secret>confidential (?:transaction|business)|utmost (?:confidentiality|secrecy)"
    r"|strictest confidence)"
    r"|(?P<transfer>money transfer|transfer (?:of )?(?:the|this) (?:funds?|sum))"
)
WINDFALL_CUES: Final = 2  # kinds of promises of easy money that make a scam
# A word each kind of `_WINDFALL` cue cannot do without, in the same order.
_KIND_WORDS: Final = (
    ("million", "billion", "$"), ("beneficiary", "kin", "widow", "late "),
    ("foreign", "overseas"), ("claim", "release", "deposited", "lodged"), ("%", "percent"),
    ("risk", "safe"), ("confidential", "utmost", "strictest"), ("transfer",),
)  # fmt: skip
folded.watch(*(word for words in _KIND_WORDS for word in words))


def changed_account(prose: Prose) -> str | None:
    """A notice that bank details or the account to pay have changed."""
    found = (_asserted(_CHANGED_ACCOUNT, s) for s in sentences(prose, _CHANGED_ACCOUNT))
    return next(filter(None, found), None)


def payment_ask(prose: Prose) -> str | None:
    """A sentence asking you to pay or to give bank or card details."""
    for sentence in sentences(prose, _PAYMENT):
        found = _asserted(_PAYMENT, sentence)
        if found and (REQUEST.find(sentence) or _ASKED.search(sentence.plain)):
            return found
    return None


def windfall(prose: Prose, within: frozenset[str] | None = None) -> str | None:
    """Promises of a fortune to transfer: the advance-fee scam.

    Cues count by kind: two sums of money are one cue (a sales report is full of them).
    `within`: the watched words of a text holding this one, when known (`cues.held`).
    """
    words = held(prose) if within is None else within
    if sum(not words.isdisjoint(kind) for kind in _KIND_WORDS) < WINDFALL_CUES:
        return None  # a substring scan rules out most mail far quicker than the pattern
    found = list(folded.finditer(_WINDFALL, prose.plain))  # one pass: the first is search's
    if len({cue.lastgroup for cue in found}) < WINDFALL_CUES:
        return None
    return quote(prose.text[found[0].start() : found[0].end()])
