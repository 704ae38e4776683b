"""Threading rules: which earlier mail a new one continues, and what answers what.

Mail is threaded by Message-ID / In-Reply-To / References first; without those
(Outlook strips them more often than one would hope), by the normalized subject
with the same counterpart, or by the "-----Original Message-----" block an
Outlook reply quotes (sender, date and subject of the message it answers).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.core.mail import Mail

SUBJECT_KEY_LIMIT = 255

# Reply and forward prefixes in English, Vietnamese (Outlook and Gmail localizations)
# and the other languages our users' partners write in.
_REPLY = r"re|aw|sv|vs|antw|odp|ynt|r|trả lời|tl|phản hồi"
_FORWARD = r"fwd?|tr|wg|rv|enc|chuyển tiếp|ct|i"
_PREFIX = re.compile(
    rf"^\s*(?:(?:{_REPLY}|{_FORWARD})\s*(?:\[\d+\]|\(\d+\))?\s*[:：]|\[[^\]]{{1,40}}\])\s*",
    re.IGNORECASE,
)
_FORWARD_PREFIX = re.compile(rf"^\s*(?:{_FORWARD})\s*[:：]", re.IGNORECASE)
_SPACES = re.compile(r"\s+")

# Outlook's quoted header, English and Vietnamese Outlook.
_ORIGINAL = re.compile(
    r"^[ \t>]*-{2,}\s*(?:original message|thư gốc|tin nhắn gốc)\s*-{2,}\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_QUOTED_FIELD = re.compile(
    r"^\s*(from|từ|sent|date|đã gửi|ngày|to|đến|cc|subject|chủ đề|tiêu đề)\s*:\s*(.*)$",
    re.IGNORECASE,
)
_FIELD_NAMES = {
    "from": "sender", "từ": "sender",
    "sent": "sent", "date": "sent", "đã gửi": "sent", "ngày": "sent",
    "subject": "subject", "chủ đề": "subject", "tiêu đề": "subject",
}  # fmt: skip


def subject_key(subject: str) -> str:
    """The subject without reply/forward prefixes and list tags, case- and space-folded."""
    text = unicodedata.normalize("NFC", subject or "")
    previous = None
    while previous != text:
        previous, text = text, _PREFIX.sub("", text, count=1)
    return _SPACES.sub(" ", text).strip().casefold()[:SUBJECT_KEY_LIMIT]


def is_forward(subject: str) -> bool:
    return bool(_FORWARD_PREFIX.match(unicodedata.normalize("NFC", subject or "")))


def referenced_ids(mail: Mail) -> tuple[str, ...]:
    """The ids this mail continues, nearest first (In-Reply-To, then References backwards)."""
    ids = ([mail.in_reply_to] if mail.in_reply_to else []) + list(reversed(mail.references))
    return tuple(dict.fromkeys(i for i in ids if i and i != mail.message_id))


@dataclass(frozen=True, slots=True)
class QuotedOriginal:
    """The header of the message an Outlook-style reply quotes below its text."""

    sender: str
    sent: str
    subject: str


def quoted_original(text: str) -> QuotedOriginal | None:
    """The first "-----Original Message-----" header block of `text`, if any."""
    match = _ORIGINAL.search(text)
    if not match:
        return None
    fields: dict[str, str] = {}
    for line in text[match.end() :].lstrip("\n").splitlines()[:12]:
        found = _QUOTED_FIELD.match(line)
        if not found:
            if fields:
                break
            continue
        name = _FIELD_NAMES.get(found.group(1).lower())
        if name and name not in fields:
            fields[name] = found.group(2).strip()
    if "sender" not in fields:
        return None
    return QuotedOriginal(fields["sender"], fields.get("sent", ""), fields.get("subject", ""))


def quoted_sender_email(original: QuotedOriginal) -> str:
    """The address in a quoted From line ("Minh <minh@x.vn>", "minh@x.vn"), or ""."""
    found = re.search(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", original.sender)
    return found.group(0).lower() if found else ""
