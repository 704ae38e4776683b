"""The header block of a generated message: trace headers, then what the client wrote.

Part of the benchmark's mail generator (`mailmime.py` renders a planned `Item`; this
writes its headers). Inbound mail carries what real servers add (two Received lines, a
DKIM signature, Authentication-Results), a good share of a real message's size; Sent
copies carry only what the mail client wrote. Names are RFC 2047 encoded words.
"""

from __future__ import annotations

import base64
import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import TYPE_CHECKING

from scripts import mailtext as words
from scripts.mailtext import Person

if TYPE_CHECKING:
    from scripts.mailmime import Item

_ZONES = {"vi": (7,), "en": (0, 1, 9, -5, 8)}


def headers(item: Item, rng: random.Random) -> str:
    return _trace(item, rng) + _own_headers(item, rng)


# ── headers ─────────────────────────────────────────────────────────────────
def _date(moment: datetime, lang: str, rng: random.Random) -> str:
    zone = timezone(timedelta(hours=rng.choice(_ZONES[lang])))
    return format_datetime(moment.astimezone(zone))


def encoded(text: str) -> str:
    """An RFC 2047 encoded-word form of `text` (plain when it is ASCII)."""
    if text.isascii():
        return text
    chunks, chunk = [], ""
    for char in text:
        if len((chunk + char).encode()) > 45:
            chunks.append(chunk)
            chunk = ""
        chunk += char
    chunks.append(chunk)
    return "\n ".join(f"=?UTF-8?B?{base64.b64encode(c.encode()).decode()}?=" for c in chunks)


def _address(person: Person) -> str:
    return f"{encoded(person.name)} <{person.email}>"


def _b64(rng: random.Random, length: int) -> str:
    return base64.b64encode(rng.randbytes(length * 3 // 4)).decode()


def _trace(item: Item, rng: random.Random) -> str:
    if item.sent:
        return ""
    domain = item.sender.email.rpartition("@")[2]
    arrived = item.at + timedelta(seconds=item.delay)
    ip = f"203.0.113.{rng.randint(2, 250)}"
    signature = "\n\t".join(_b64(rng, 344)[i : i + 72] for i in range(0, 344, 72))
    spf = "fail" if item.kind == "phishing" and rng.random() < 0.5 else "pass"
    return (
        f"Return-Path: <{item.sender.email}>\nDelivered-To: {item.owner.email}\n"
        f"Received: from mail.{domain} (mail.{domain} [{ip}])\n\tby mx.{words.DOMAIN} (Postfix) "
        f"with ESMTPS id {rng.getrandbits(48):X}\n\tfor <{item.owner.email}>; "
        f"{format_datetime(arrived.astimezone(timezone(timedelta(hours=7))))}\n"
        f"Received: from [10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}]"
        f" by mail.{domain} with ESMTPSA; {_date(item.at, item.lang, rng)}\n"
        f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={domain}; s=s1;\n"
        f"\th=from:to:subject:date:message-id; bh={_b64(rng, 44)};\n\tb={signature}\n"
        f"Authentication-Results: mx.{words.DOMAIN};\n\tdkim=pass header.d={domain};\n"
        f"\tspf={spf} smtp.mailfrom={domain};\n\tdmarc={spf} header.from={domain}\n"
    )


def _own_headers(item: Item, rng: random.Random) -> str:
    lines = [
        f"From: {_address(item.sender)}",
        f"To: {', '.join(_address(p) for p in item.to)}",
        *([f"Cc: {', '.join(_address(p) for p in item.cc)}"] if item.cc else []),
        f"Subject: {encoded(item.subject)}",
        f"Date: {_date(item.at, item.lang, rng)}",
        f"Message-ID: <{item.message_id}>",
    ]
    if item.parent is not None and not item.kind.endswith("forward"):
        lines.append(f"In-Reply-To: <{item.parent.message_id}>")
        lines.append("References: " + "\n ".join(f"<{r}>" for r in item.references))
    lines += ["MIME-Version: 1.0", f"Content-Language: {'vi-VN' if item.lang == 'vi' else 'en-US'}"]
    lines.append(rng.choice(_AGENTS))
    return "\n".join(lines) + "\n"


_AGENTS = (
    "X-Mailer: Microsoft Outlook 16.0",
    "User-Agent: Mozilla/5.0 Thunderbird/128.5.0",
    "X-Mailer: Apple Mail (2.3826.300.87)",
    "X-Google-Smtp-Source: AGHT+IF" + "x" * 60,
)
