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

from bot.core.i18n import Text
from bot.core.mail import Mail
from bot.core.reading import Params, Reading, Rule


@dataclass(frozen=True, slots=True)
class Gate:
    code: str
    detect: Rule
    text: Text
    soft: bool = True  # a "+1" preference for the sender or list overrides it


def _found(condition: bool) -> Params | None:
    return {} if condition else None


def list_ids(mail: Mail) -> tuple[str, ...]:
    """The List-Id as written and its bare id ("Dev <dev.acme.vn>" → also "dev.acme.vn")."""
    value = mail.header("list-id").strip()
    bare = re.search(r"<([^>]+)>", value)
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
    found = re.search(r"(?:^|;)\s*SCL:(-?\d)", mail.header("x-forefront-antispam-report"))
    value = mail.header("x-ms-exchange-organization-scl").strip() or (found and found.group(1))
    return int(value) if value and value.lstrip("-").isdigit() else -1


def _own(reading: Reading) -> Params | None:
    return _found(bool(reading.sender) and reading.sender == reading.viewer_email)


def _list(reading: Reading) -> Params | None:
    ids = list_ids(reading.mail)
    post = reading.mail.header("list-post").strip()
    address = re.search(r"mailto:([^>?\s]+)", post, re.IGNORECASE)
    name = ids[-1] if ids else address.group(1) if address else reading.sender
    return {"list": name} if ids or post else None


# A footer only bulk mail carries; read at the end of the new text, so that a colleague's
# forward of a newsletter (below its quote line) stays personal.
_UNSUBSCRIBE: Final = re.compile(
    r"(?<!\w)(?:unsubscribe|opt[- ]out|to stop receiving|manage (?:your )?(?:email )?"
    r"(?:preferences|subscriptions)|huy dang ky|ngung nhan (?:thu|email|tin)|tu choi nhan)(?!\w)",
    re.IGNORECASE,
)


def _newsletter(reading: Reading) -> Params | None:
    footer = _UNSUBSCRIBE.search(reading.footer.plain)
    return _found(bool(reading.mail.header("list-unsubscribe")) or footer is not None)


def _bulk(reading: Reading) -> Params | None:
    precedence = reading.mail.header("precedence").strip().lower()
    return _found(precedence in ("bulk", "list", "junk"))


_MACHINE_SAYS: Final = re.compile(
    r"(?<!\w)(?:(?:please )?do not reply (?:to )?(?:this|directly)"
    r"|this (?:is an? )?(?:automated|automatic(?:ally generated)?|system[- ]generated)"
    r" (?:message|e-?mail|notification)"
    r"|vui long khong tra loi|khong tra loi (?:thu|email) nay|(?:thu|email) (?:nay )?(?:duoc )?"
    r"(?:gui )?tu dong)(?!\w)",
    re.IGNORECASE,
)


def _automated(reading: Reading) -> Params | None:
    auto = reading.mail.header("auto-submitted").strip().lower()
    generated = bool(auto) and auto != "no" and not auto.startswith("auto-replied")
    suppress = bool(reading.mail.header("x-auto-response-suppress"))
    return _found(generated or suppress or _MACHINE_SAYS.search(reading.top.plain) is not None)


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


_NO_REPLY: Final = re.compile(
    r"^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer[-_.]daemon|postmaster|bounces?"
    r"|notifications?|nobody|mailer)(?:[-+_.].*)?$",
    re.IGNORECASE,
)


def _no_reply(reading: Reading) -> Params | None:
    local = reading.sender.partition("@")[0]
    return {"sender": reading.sender} if _NO_REPLY.match(local) else None


def _not_addressed(reading: Reading) -> Params | None:
    """Not in To or Cc, from a stranger outside, with no colleague among the recipients."""
    mail, viewer = reading.mail, reading.viewer
    if reading.viewer_email in {a.email for a in mail.recipients}:
        return None
    known = mail.sender is not None and (
        viewer.is_internal(mail.sender) or viewer.correspondents.get(reading.sender, 0) > 0
    )
    return _found(not known and not any(viewer.is_internal(a) for a in mail.recipients))


GATES: Final = (
    Gate("spam", _spam,
         {"en": "flagged as spam by the mail server", "vi": "bị máy chủ thư đánh dấu là thư rác"},
         soft=False),
    Gate("own", _own, {"en": "sent by you", "vi": "do chính bạn gửi"}, soft=False),
    Gate("list", _list,
         {"en": "sent to a mailing list ({list})", "vi": "gửi qua danh sách thư ({list})"}),
    Gate("newsletter", _newsletter,
         {"en": "a newsletter (it has an unsubscribe link)",
          "vi": "thư bản tin (có liên kết hủy đăng ký)"}),
    Gate("bulk", _bulk, {"en": "sent as bulk mail", "vi": "thư gửi hàng loạt"}),
    Gate("auto_reply", _auto_reply,
         {"en": "an automatic reply (such as out of office)",
          "vi": "thư trả lời tự động (chẳng hạn báo vắng mặt)"}),
    Gate("automated", _automated,
         {"en": "sent automatically by a system", "vi": "thư do hệ thống tự động gửi"}),
    Gate("no_reply", _no_reply,
         {"en": "from an address that takes no replies ({sender})",
          "vi": "từ địa chỉ không nhận thư trả lời ({sender})"}),
    Gate("not_addressed", _not_addressed,
         {"en": "you are not among its recipients and the sender is a stranger, as in bulk mail",
          "vi": "bạn không có tên trong danh sách người nhận và người gửi lạ, "
                "như thư gửi hàng loạt"}),
)  # fmt: skip
