"""Gates: signs that nobody waits for a personal reply to a mail, so it is never pending.

Part of triage (see `bot/core/triage.py`). Each gate names what it saw; any one of them
makes a mail untracked and `low`, however urgent its subject sounds. A "+1" preference
reopens the `soft` gates (a list or a notifier the owner cares about), never spam or the
owner's own mail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from bot.core import folded
from bot.core.i18n import Text
from bot.core.lures import windfall
from bot.core.mail import Mail
from bot.core.reading import Params, Reading, Rule
from bot.core.senders import (
    by_address,
    mass_mailer,
    no_reply,
    not_addressed,
    publisher,
    scattershot,
)


@dataclass(frozen=True, slots=True)
class Gate:
    code: str
    detect: Rule
    text: Text
    soft: bool = True  # a "+1" preference for the sender or list overrides it


def _found(condition: bool) -> Params | None:
    return {} if condition else None


_BRACKETED: Final = re.compile(r"<([^>]+)>")
_SCL: Final = re.compile(r"(?:^|;)\s*SCL:(-?\d)")
_MAILTO: Final = re.compile(r"mailto:([^>?\s]+)", re.IGNORECASE)


def list_ids(mail: Mail) -> tuple[str, ...]:
    """The List-Id as written and its bare id ("Dev <dev.acme.vn>" → also "dev.acme.vn")."""
    value = mail.header("list-id").strip()
    bare = _BRACKETED.search(value)
    return tuple(dict.fromkeys(v.lower() for v in (value, bare.group(1) if bare else "") if v))


def _spam(reading: Reading) -> Params | None:
    mail = reading.mail
    flagged = (
        mail.header("x-spam-flag").strip().lower().startswith("yes")
        or mail.header("x-spam-status").strip().lower().startswith("yes")
        or mail.header("x-spam").strip().lower().startswith("yes")
    )
    tagged = bool(_SPAM_SUBJECT.match(mail.subject))
    return _found(flagged or tagged or _scl(mail) >= SPAM_SCL)


_SPAM_SUBJECT: Final = re.compile(r"^\s*(?:\[spam\]|\*+\s*spam\s*\*+)", re.IGNORECASE)


SPAM_SCL: Final = 5  # Exchange's spam confidence level from which it files mail as junk


def _scl(mail: Mail) -> int:
    """Exchange's spam confidence level (−1 trusted … 9 certain spam); −1 when absent."""
    found = _SCL.search(mail.header("x-forefront-antispam-report"))
    value = mail.header("x-ms-exchange-organization-scl").strip() or (found and found.group(1))
    return int(value) if value and value.lstrip("-").isdigit() else -1


def _own(reading: Reading) -> Params | None:
    return _found(bool(reading.sender) and reading.sender == reading.viewer_email)


def _list(reading: Reading) -> Params | None:
    ids = list_ids(reading.mail)
    post = reading.mail.header("list-post").strip()
    address = _MAILTO.search(post)
    name = ids[-1] if ids else address.group(1) if address else reading.sender
    return {"list": name} if ids or post else None


# A footer only bulk mail carries; read at the end of the new text, so that a colleague's
# forward of a newsletter (below its quote line) stays personal. Besides "unsubscribe",
# the removal notices of mass mailers ("click here to be removed", "reply with REMOVE in
# the subject", "to be excluded from future contacts") and subscription boilerplate.
_UNSUBSCRIBE: Final = re.compile(
    r"(?<!\w)(?:unsubscribe|opt[- ]?out|to stop receiving|manage (?:your )?(?:email )?"
    r"(?:preferences|subscriptions)"
    r"|(?:(?:removed|excluded|deleted|depart) (?:from|of)|(?:get|be|taken) (?:off|out of))"
    r" (?:\w+ ){0,3}(?:list|lists|database|mailings?|mailer|contacts)"
    r"|click (?:here )?to be removed|to be removed\W{0,3}(?:click|reply|send|go|visit|e-?mail|http)"
    r"|(?:request|ask) to be (?:removed|excluded)|remove (?:here|me)\W{0,3}(?:http|:)"
    r"|leave (?:this|our|the) (?:mailing )?list"
    r"|(?:remove|delete) (?:yourself|your (?:e-?mail )?(?:address|name))|removal (?:link|requests?)"
    r"|\W?remove\W? (?:in|as|within) (?:the |your )?(?:subject|body)"
    r"|(?:no longer|not|don'?t) (?:wish|want|like) to (?:receive|get) (?:\w+ ){0,2}"
    r"(?:e-?mails?|mailings?|messages|newsletters?|offers|communications?)"
    r"|opt-?in (?:list|network|database)|one[- ]time mailing"
    r"|(?:subscription|mailing list) (?:options|preferences|settings|changes)"
    r"|(?:e-?mail|newsletter) subscriptions?|you(?: are|'re) subscribed"
    r"|huy dang ky|ngung nhan (?:thu|email|tin)|tu choi nhan)(?!\w)"
    r"|수신\s?거부|配信(?:停止|解除)|退订",  # "refuse", "stop delivery": Korean, Japanese, Chinese
    re.IGNORECASE,
)
folded.guard(
    _UNSUBSCRIBE,
    *("unsubscribe", "opt", "to stop receiving", "manage", "list", "database", "mailing"),
    *("mailer", "contacts", "remov", "delete", "exclude", "wish", "want", "like", "subscri"),
    *("huy dang ky", "ngung nhan", "tu choi nhan", "수신", "配信", "退订"),
)


def _newsletter(reading: Reading) -> Params | None:
    if reading.mail.header("list-unsubscribe"):
        return {}  # said by the header: the footer need not be read
    if not folded.may_hold(_UNSUBSCRIBE, reading.held):
        return None  # none of its words anywhere in the mail: nor in its footer
    footer = folded.search(_UNSUBSCRIBE, " ".join(reading.footer.plain.split()))  # lines wrap
    return _found(footer is not None)


def _bulk(reading: Reading) -> Params | None:
    precedence = reading.mail.header("precedence").strip().lower()
    return _found(precedence in ("bulk", "list", "junk"))


_MACHINE_SAYS: Final = re.compile(
    r"(?<!\w)(?:(?:please )?do not reply (?:to )?(?:this|directly)"
    r"|this (?:is an? )?(?:automated|automatic(?:ally generated)?|system[- ]generated)"
    r" (?:message|e-?mail|notification|response|reply)"
    r"|if you did(?:n't| not) (?:request|ask for|sign up for) (?:this|it)"
    r"|vui long khong tra loi|khong tra loi (?:thu|email) nay|(?:thu|email) (?:nay )?(?:duoc )?"
    r"(?:gui )?tu dong)(?!\w)",
    re.IGNORECASE,
)
folded.guard(
    _MACHINE_SAYS,
    *("reply", "automat", "generated", "if you did", "tra loi", "tu dong"),
)


def _automated(reading: Reading) -> Params | None:
    auto = reading.mail.header("auto-submitted").strip().lower()
    generated = bool(auto) and auto != "no" and not auto.startswith("auto-replied")
    suppress = bool(reading.mail.header("x-auto-response-suppress"))
    said = folded.may_hold(_MACHINE_SAYS, reading.held) and folded.search(
        _MACHINE_SAYS, reading.top.plain
    )
    return _found(generated or suppress or bool(said))


_AUTO_REPLY_SUBJECT: Final = re.compile(
    r"^\s*(?:automatic reply|auto(?:matic)?[- ]?(?:reply|response)|out of (?:the )?office"
    r"|trả lời tự động|phản hồi tự động|vắng mặt)\b",
    re.IGNORECASE,
)


def _auto_reply(reading: Reading) -> Params | None:
    mail = reading.mail
    return _found(
        mail.header("auto-submitted").strip().lower().startswith("auto-replied")
        or bool(mail.header("x-autoreply") or mail.header("x-autorespond"))
        or bool(_AUTO_REPLY_SUBJECT.match(mail.subject))
    )


# Subject tags the law makes advertisers add: "[QC]" or "[ADV]" in Vietnam (Decree
# 91/2020/ND-CP, art. 8), "(광고)" in Korea, "未承諾広告※" in Japan, "ADV:" in several US states.
_ADVERTISING: Final = re.compile(
    r"^\s*(?:[\[(]\s*(?:adv?|qc|quảng cáo|광고|広告)\s*[\])]|adv\s*:|未承諾広告)", re.IGNORECASE
)


def _advertising(reading: Reading) -> Params | None:
    found = _ADVERTISING.match(reading.mail.subject)
    return {"tag": found.group().strip()} if found else None


def _scam(reading: Reading) -> Params | None:
    found = windfall(reading.top, within=reading.held)
    return {"found": found} if found else None


GATES: Final = (
    Gate("spam", _spam,
         {"en": "flagged as spam by the mail server", "vi": "bị máy chủ thư đánh dấu là thư rác"},
         soft=False),
    Gate("scam", _scam,
         {"en": "promises a fortune for your help, as advance-fee scams do (“{found}”)",
          "vi": "hứa hẹn món tiền lớn để đổi lấy sự giúp đỡ, kiểu lừa đảo ứng trước (“{found}”)"},
         soft=False),
    Gate("own", _own, {"en": "sent by you", "vi": "do chính bạn gửi"}, soft=False),
    Gate("list", _list,
         {"en": "sent to a mailing list ({list})", "vi": "gửi qua danh sách thư ({list})"}),
    Gate("newsletter", _newsletter,
         {"en": "a newsletter (it has an unsubscribe link)",
          "vi": "thư bản tin (có liên kết hủy đăng ký)"}),
    Gate("advertising", _advertising,
         {"en": "marked as an advertisement in its subject ({tag})",
          "vi": "được ghi là quảng cáo trong tiêu đề ({tag})"}),
    Gate("mass_mailer", mass_mailer,
         {"en": "sent by a mass-mailing system (its bounces go to {address})",
          "vi": "do hệ thống gửi thư hàng loạt gửi đi (thư báo lỗi về {address})"}),
    Gate("bulk", _bulk, {"en": "sent as bulk mail", "vi": "thư gửi hàng loạt"}),
    Gate("auto_reply", _auto_reply,
         {"en": "an automatic reply (such as out of office)",
          "vi": "thư trả lời tự động (chẳng hạn báo vắng mặt)"}),
    Gate("automated", _automated,
         {"en": "sent automatically by a system", "vi": "thư do hệ thống tự động gửi"}),
    Gate("no_reply", no_reply,
         {"en": "from an address that takes no replies ({sender})",
          "vi": "từ địa chỉ không nhận thư trả lời ({sender})"}),
    Gate("by_address", by_address,
         {"en": "its subject calls you by your email address, as mass mailings do",
          "vi": "tiêu đề gọi bạn bằng địa chỉ email, kiểu thư gửi hàng loạt"}),
    Gate("scattershot", scattershot,
         {"en": "a stranger's mail to {count} people at unrelated addresses, as spam is sent",
          "vi": "thư của người lạ gửi cho {count} người ở các địa chỉ không liên quan, "
                "kiểu thư rác"}),
    Gate("publisher", publisher,
         {"en": "from a publishing address ({sender}), not a person",
          "vi": "từ địa chỉ phát hành tin ({sender}), không phải một người"}),
    Gate("not_addressed", not_addressed,
         {"en": "you are not among its recipients and the sender is a stranger, as in bulk mail",
          "vi": "bạn không có tên trong danh sách người nhận và người gửi lạ, "
                "như thư gửi hàng loạt"}),
)  # fmt: skip
