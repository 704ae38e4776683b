"""Risks: what in an incoming mail could hurt the reader, each with a one-sentence warning.

Ingest calls `assess` on every incoming mail, tracked or not (a phishing mail is
usually bulk-looking, and is exactly the one to warn about). `DETECTORS` is the table:
one detector per risk kind, each yielding what it found (a file name, the domain shown
and the real one…) as the risk's params, and carrying its sentences in both languages,
keyed by the `why` param when a kind has several. The card shows `describe(risk)`;
`looks_like_phishing` turns the card's nudge to reply into "do not reply, report it".
The heavy lifting lives next door: `attachments`, `links`, `domains`, `lures`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Final

from bot.core import attachments, links, lures
from bot.core.cues import Prose, held
from bot.core.domains import BRAND_DOMAINS, BRANDS, imitated, registrable
from bot.core.i18n import Text, render
from bot.core.mail import Address, Mail, Viewer
from bot.core.reading import whole


class RiskKind(StrEnum):
    UNKNOWN_SENDER_ATTACHMENT = "unknown_sender_attachment"
    DANGEROUS_ATTACHMENT = "dangerous_attachment"
    LINK_MISMATCH = "link_mismatch"
    LOOKALIKE_DOMAIN = "lookalike_domain"
    CREDENTIAL_REQUEST = "credential_request"
    FINANCIAL_REQUEST = "financial_request"
    SPOOFED_DISPLAY_NAME = "spoofed_display_name"
    AUTH_FAILED = "auth_failed"


@dataclass(frozen=True, slots=True)
class Risk:
    kind: RiskKind
    params: tuple[tuple[str, str], ...] = ()


Params = dict[str, str]


@dataclass(frozen=True, slots=True)
class Examined:
    """One mail as the detectors see it."""

    mail: Mail
    viewer: Viewer
    sender: Address | None
    internal: bool  # the sender is at one of the company's domains
    stranger: bool  # outside the company, and the owner never wrote to them
    prose: Prose  # subject and text

    @classmethod
    def of(cls, mail: Mail, viewer: Viewer) -> Examined:
        sender = mail.sender
        internal = sender is not None and viewer.is_internal(sender)
        written = viewer.correspondents.get(sender.email, 0) if sender else 0
        return cls(mail, viewer, sender, internal, not internal and written == 0, whole(mail))


def _unknown_sender_attachment(seen: Examined) -> Iterator[Params]:
    opened = [a for a in seen.mail.attachments if attachments.worth_opening(a)]
    if not (seen.stranger and opened):
        return
    page = next((a.name for a in opened if attachments.is_web_page(a)), None)
    if page:  # the file most worth the warning: a sign-in form off any site
        yield {"why": "web_page", "name": page}
    else:
        more = {"why": "many", "count": str(len(opened))} if len(opened) > 1 else {}
        yield {"name": opened[0].name, **more}


def _dangerous_attachment(seen: Examined) -> Iterator[Params]:
    for attachment in seen.mail.attachments:
        why = attachments.danger(attachment, from_outside=not seen.internal)
        if why:
            yield {"why": why, "name": attachment.name}


def _link_mismatch(seen: Examined) -> Iterator[Params]:
    own = registrable(seen.sender.domain) if seen.sender else ""
    yield from links.mismatches(seen.mail.links, own, _protected(seen.viewer).domains)
    written = links.disguised(seen.mail.text, held(seen.prose))
    if written:
        yield {"why": "disguised", "shown": written}


@dataclass(frozen=True, slots=True)
class _Protected:
    """Domains worth imitating: the company's, the owner's correspondents', the brands'."""

    viewer: Viewer
    domains: frozenset[str]
    ordered: tuple[str, ...]


# Each sync thread's last viewer and its protected domains: a page of mail shares one
# viewer, and uniting and sorting a long list of correspondents' domains for every mail
# cost more than the checks that read them.
_MADE: Final = threading.local()


def _protected(viewer: Viewer) -> _Protected:
    made: _Protected | None = getattr(_MADE, "last", None)
    if made is None or made.viewer is not viewer:
        domains = viewer.internal_domains | viewer.known_domains | BRAND_DOMAINS
        made = _MADE.last = _Protected(viewer, domains, tuple(sorted(domains)))
    return made


def _lookalike_domain(seen: Examined) -> Iterator[Params]:
    protected = _protected(seen.viewer).ordered
    senders = [a.domain for a in (seen.sender, *seen.mail.reply_to) if a]
    hosts = {links.host(link.href) for link in seen.mail.links} - {""}
    # the company's name under another ending: for who writes, not for links (its
    # colleagues link to its other sites)
    own = seen.viewer.internal_domains
    for where, domain in [*(("sender", d) for d in senders), *(("link", h) for h in sorted(hosts))]:
        target = imitated(domain, protected, own if where == "sender" else ())
        if target:
            yield {"why": where, "domain": domain, "target": target}


def _credential_request(seen: Examined) -> Iterator[Params]:
    # Links to the sender's own site are its login page, not a trap (a list's password
    # reminder, a shop's "sign in to see your order"); a lure sends you elsewhere.
    # Unless that site itself imitates another ("vietcombank-secure.com").
    own = registrable(seen.sender.domain) if seen.sender else ""
    if own and imitated(own, _protected(seen.viewer).ordered, seen.viewer.internal_domains):
        own = ""
    away = any(registrable(links.host(link.href)) not in (own, "") for link in seen.mail.links)
    found = lures.credential_lure(seen.prose, has_links=away)
    if found:
        yield {"found": found}


def _to_many(mail: Mail) -> bool:
    """Sent through a mailing list or as bulk mail, as its headers say."""
    precedence = mail.header("precedence").strip().lower()
    return bool(mail.header("list-id") or mail.header("list-post")) or precedence in (
        "bulk",
        "list",
    )


def _financial_request(seen: Examined) -> Iterator[Params]:
    finders = (
        ("changed", lures.changed_account, True),
        ("windfall", lures.windfall, not seen.internal),
        # A list post or a bulk mailing asks everyone, not you ("send your card number to
        # order the book"): only a stranger's mail to you is a payment request.
        ("payment", lures.payment_ask, seen.stranger and not _to_many(seen.mail)),
    )
    for why, find, applies in finders:
        found = find(seen.prose) if applies else None
        if found:
            yield {"why": why, "found": found}
            return


_ADDRESS: Final = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")


def _claimed_names(seen: Examined) -> Iterator[str]:
    """Names a display name borrows: an address's domain, a brand, the company, the owner."""
    name = seen.sender.name if seen.sender else ""
    yield from (registrable(domain) for domain in _ADDRESS.findall(name))
    yield from _brand_domains(name)
    for domain in seen.viewer.internal_domains:
        if _company_name(domain).search(name):
            yield domain
    if seen.viewer.name and name.casefold() == seen.viewer.name.casefold():
        yield seen.viewer.email.rpartition("@")[2]


@lru_cache(maxsize=64)
def _company_name(domain: str) -> re.Pattern[str]:
    """The company's name as its domain spells it ("acme" for mail.acme.vn), a whole word."""
    return re.compile(rf"(?<!\w){re.escape(registrable(domain).split('.')[0])}(?!\w)", re.I)


_BRAND_NAMES: Final = tuple(
    (re.compile(rf"(?<!\w)(?:{brand.words})(?!\w)", re.IGNORECASE), brand.domains)
    for brand in BRANDS
)


@lru_cache(maxsize=4096)
def _brand_domains(name: str) -> tuple[str, ...]:
    """The domains of the brands a display name names (a sender writes the same name often)."""
    return tuple(
        domain for words, domains in _BRAND_NAMES if words.search(name) for domain in domains
    )


def _second_sender(sender: Address, also: Sequence[Address]) -> Address | None:
    """Another address in From, at another domain. (Pieces with no "@" are no senders: an
    unquoted comma in a name, "Nguyen, Van A <a@x.vn>", splits one off.)"""
    own = registrable(sender.domain)
    real = "@" in sender.email
    return next((a for a in also if real and "@" in a.email and registrable(a.domain) != own), None)


def _spoofed_display_name(seen: Examined) -> Iterator[Params]:
    if seen.sender is None:
        return
    other = _second_sender(seen.sender, seen.mail.also_from)
    if other is not None:  # two senders: the filter read one, a mail client may show the other
        yield {"why": "two_senders", "first": seen.sender.email, "other": other.email}
        return
    if seen.internal:
        return
    label = registrable(seen.sender.domain).split(".")[0]
    claimed = {registrable(domain).split(".")[0] for domain in _claimed_names(seen)}
    if claimed and label not in claimed:
        yield {"name": seen.sender.name, "domain": seen.sender.domain}


_AUTH_RESULT: Final = re.compile(r"(?<!\w)(spf|dkim|dmarc)\s*=\s*(?:fail|softfail)(?!\w)", re.I)


_SPF_FAILED: Final = re.compile(r"\s*(?:fail|softfail)\b", re.IGNORECASE)


def _auth_failed(seen: Examined) -> Iterator[Params]:
    mail = seen.mail
    results = f"{mail.header('authentication-results')};{mail.header('arc-authentication-results')}"
    failed = {check.upper() for check in _AUTH_RESULT.findall(results)}
    if _SPF_FAILED.match(mail.header("received-spf")):
        failed.add("SPF")
    if failed:
        yield {"check": ", ".join(sorted(failed))}


@dataclass(frozen=True, slots=True)
class Detector:
    kind: RiskKind
    find: Callable[[Examined], Iterator[Params]]
    texts: Mapping[str, Text]  # by the `why` param; "" when a kind has one sentence
    weight: int  # toward `looks_like_phishing`: PHISHING_AT or more is phishing


DETECTORS: Final = (
    Detector(RiskKind.AUTH_FAILED, _auth_failed, {"": {
        "en": "The sender's address failed the mail server's checks ({check}): "
              "it may be forged.",
        "vi": "Địa chỉ người gửi không vượt qua kiểm tra của máy chủ thư ({check}): "
              "có thể đã bị giả mạo."}}, weight=1),
    Detector(RiskKind.SPOOFED_DISPLAY_NAME, _spoofed_display_name, {"": {
        "en": "The sender calls themselves “{name}” but writes from {domain}: "
              "they are not who they claim to be.",
        "vi": "Người gửi tự xưng là “{name}” nhưng gửi từ {domain}: "
              "đây không phải người họ tự nhận."},
        "two_senders": {
        "en": "The email names two senders, {first} and {other}: mail programs show one or "
              "the other, which is how forged mail hides who sent it.",
        "vi": "Thư ghi hai người gửi, {first} và {other}: mỗi chương trình email hiển thị một "
              "người, đây là cách thư giả mạo che giấu người gửi thật."}}, weight=2),
    Detector(RiskKind.LOOKALIKE_DOMAIN, _lookalike_domain, {
        "sender": {"en": "The sender's domain {domain} imitates {target}: "
                         "this email is not from them.",
                   "vi": "Tên miền người gửi {domain} giả dạng {target}: "
                         "thư này không phải do họ gửi."},
        "link": {"en": "A link goes to {domain}, which imitates {target}: do not click it.",
                 "vi": "Một liên kết dẫn tới {domain}, tên miền giả dạng {target}: đừng bấm vào."}},
        weight=2),
    Detector(RiskKind.LINK_MISMATCH, _link_mismatch, {
        "": {"en": "A link shows “{shown}” but leads to {real}: do not click it.",
             "vi": "Một liên kết hiển thị “{shown}” nhưng thực ra dẫn tới {real}: đừng bấm vào."},
        "ip": {"en": "A link leads to a bare IP address ({real}) instead of a named site: "
                     "do not click it.",
               "vi": "Một liên kết dẫn tới địa chỉ IP trần ({real}) thay vì tên trang web: "
                     "đừng bấm vào."},
        "userinfo": {"en": "A link hides its real destination, {real}, behind a user name "
                           "written before an “@”: do not click it.",
                     "vi": "Một liên kết giấu đích thật {real} sau một tên người dùng đặt "
                           "trước dấu “@”: đừng bấm vào."},
        "script": {"en": "A link shows “{shown}” but runs a script ({real}) instead of opening "
                         "that website: do not click it.",
                   "vi": "Một liên kết hiển thị “{shown}” nhưng thực ra chạy một đoạn mã ({real}) "
                         "chứ không mở trang web đó: đừng bấm vào."},
        "embedded": {"en": "A link shows “{shown}” but opens a page hidden inside the email "
                           "itself, not that website: do not click it.",
                     "vi": "Một liên kết hiển thị “{shown}” nhưng thực ra mở một trang giấu sẵn "
                           "trong email, không phải trang web đó: đừng bấm vào."},
        "kit": {"en": "A link leads to a sign-in page hidden in the files of another website "
                      "({real}), as phishing kits are: do not click it.",
                "vi": "Một liên kết dẫn tới trang đăng nhập giấu trong tệp của một trang web "
                      "khác ({real}), kiểu bộ công cụ lừa đảo: đừng bấm vào."},
        "disguised": {"en": "The email writes a web address in disguise (“{shown}”) so that "
                            "filters miss it: do not type it into your browser.",
                      "vi": "Thư viết một địa chỉ web dưới dạng ngụy trang (“{shown}”) để qua "
                            "mặt bộ lọc: đừng gõ địa chỉ này vào trình duyệt."}}, weight=2),
    Detector(RiskKind.CREDENTIAL_REQUEST, _credential_request, {"": {
        "en": "It asks for a password, a code or an account check (“{found}”): "
              "do not reply and do not click its links.",
        "vi": "Thư đòi mật khẩu, mã xác thực hoặc xác minh tài khoản (“{found}”): "
              "đừng trả lời và đừng bấm vào liên kết trong thư."}}, weight=2),
    Detector(RiskKind.FINANCIAL_REQUEST, _financial_request, {
        "changed": {"en": "It says the bank account to pay has changed (“{found}”): "
                          "confirm by phone with someone you know before paying anything.",
                    "vi": "Thư báo đổi tài khoản nhận tiền (“{found}”): hãy gọi điện xác nhận "
                          "với người mà bạn quen biết trước khi thanh toán."},
        "payment": {"en": "It asks for a payment or for bank or card details (“{found}”): "
                          "check with the sender by phone before you act.",
                    "vi": "Thư yêu cầu thanh toán hoặc thông tin ngân hàng, thẻ (“{found}”): "
                          "hãy gọi điện hỏi lại người gửi trước khi làm theo."},
        "windfall": {"en": "It promises a fortune in return for your help (“{found}”): "
                           "this is a classic scam, do not answer.",
                     "vi": "Thư hứa hẹn một khoản tiền lớn để đổi lấy sự giúp đỡ của bạn "
                           "(“{found}”): đây là chiêu lừa đảo quen thuộc, đừng trả lời."}},
        weight=1),
    Detector(RiskKind.DANGEROUS_ATTACHMENT, _dangerous_attachment, {
        "disguised": {"en": "“{name}” is a program disguised as a document: do not open it.",
                      "vi": "“{name}” là chương trình giả dạng tài liệu: đừng mở."},
        "program": {"en": "“{name}” is a program or script that runs when opened: do not open it.",
                    "vi": "“{name}” là chương trình hoặc script sẽ chạy khi mở: đừng mở."},
        "disk_image": {"en": "“{name}” is a disk image, a common way to smuggle in programs: "
                             "do not open it.",
                       "vi": "“{name}” là tệp ảnh đĩa, cách hay dùng để lén đưa chương trình "
                             "vào máy: đừng mở."},
        "macro": {"en": "“{name}” is an Office file with macros, which can run code: "
                        "open it only if you expected it, and do not enable macros.",
                  "vi": "“{name}” là tệp Office có macro, có thể chạy mã độc: chỉ mở khi bạn "
                        "đang chờ tệp này, và đừng bật macro."},
        "archive": {"en": "“{name}” is an archive from outside the company that can hide a "
                          "program: open it only if you expected it.",
                    "vi": "“{name}” là tệp nén từ bên ngoài công ty, có thể giấu chương trình "
                          "độc hại: chỉ mở khi bạn đang chờ tệp này."}}, weight=2),
    Detector(RiskKind.UNKNOWN_SENDER_ATTACHMENT, _unknown_sender_attachment, {
        "": {"en": "Attachment “{name}” from a sender you have never written to: "
                   "do not open it unless you expected it.",
             "vi": "Tệp đính kèm “{name}” từ người gửi mà bạn chưa từng liên lạc: "
                   "đừng mở nếu bạn không chờ tệp này."},
        "many": {"en": "{count} attachments (“{name}”…) from a sender you have never written to: "
                       "do not open them unless you expected them.",
                 "vi": "{count} tệp đính kèm (“{name}”…) từ người gửi mà bạn chưa từng liên lạc: "
                       "đừng mở nếu bạn không chờ các tệp này."},
        "web_page": {"en": "“{name}”, from a sender you have never written to, is a web page "
                           "sent as a file, a common carrier of fake sign-in forms: never enter "
                           "a password in it.",
                     "vi": "“{name}” từ người gửi mà bạn chưa từng liên lạc là một trang web gửi "
                           "dưới dạng tệp, cách hay dùng để tạo trang đăng nhập giả: đừng bao giờ "
                           "nhập mật khẩu vào đó."}}, weight=1),
)  # fmt: skip

PHISHING_AT: Final = 2
MAX_PER_KIND: Final = 3  # a card lists at most this many risks of one kind
_BY_KIND: Final = {detector.kind: detector for detector in DETECTORS}


def assess(mail: Mail, viewer: Viewer) -> tuple[Risk, ...]:
    """Every risk found in `mail` as read by `viewer`, most telling kinds first."""
    seen = Examined.of(mail, viewer)
    found: list[Risk] = []
    for detector in DETECTORS:
        for _, params in zip(range(MAX_PER_KIND), detector.find(seen), strict=False):
            found.append(Risk(detector.kind, tuple(sorted(params.items()))))
    return tuple(found)


def describe(risk: Risk, locale: str) -> str:
    """One sentence in `locale` saying what was found and what to do."""
    params = dict(risk.params)
    texts = _BY_KIND[risk.kind].texts
    text = texts.get(params.get("why", "")) or texts.get("") or {"en": risk.kind.value}
    return render(text, locale, **params)


def looks_like_phishing(risks: Sequence[Risk]) -> bool:
    """Enough deception that the card says "do not reply, report it" instead of nudging."""
    return sum(_BY_KIND[kind].weight for kind in {risk.kind for risk in risks}) >= PHISHING_AT
