"""One planned message (`Item`) → the RFC 822 bytes a mail server would have stored.

Part of the benchmark's mail generator (`mailgen.py` plans, this renders the body,
`mailheaders.py` the headers). Plain text, or text and HTML, with attachments (random
bytes, as compressed files look); Vietnamese text in base64, quoted-printable or 8-bit
UTF-8, as Outlook, Gmail and Thunderbird each send it; replies quote the mail they
answer, forwards carry Outlook's "Original Message" block.
"""

from __future__ import annotations

import base64
import html
import quopri
import random
import urllib.parse
from dataclasses import dataclass
from datetime import datetime

from scripts import mailtext as words
from scripts.mailheaders import encoded, headers
from scripts.mailtext import OWNER, Person

MIN_SIZE, MAX_SIZE = 2 * 1024, 30 * 1024


@dataclass(eq=False)
class Item:
    """A message as planned: who, when, in which thread; rendered by `render`."""

    index: int
    seed: int
    kind: str
    at: datetime
    sender: Person
    message_id: str
    to: tuple[Person, ...]
    cc: tuple[Person, ...]
    lang: str
    subject: str
    parent: Item | None = None
    references: tuple[str, ...] = ()
    replied: bool = False  # the owner answered it: the Maildir R flag
    passed: bool = False  # the owner forwarded it: the Maildir P flag
    attach: bool = False
    list_id: str | None = None
    owner: Person = OWNER  # whose mailbox it lies in

    @property
    def sent(self) -> bool:
        return self.kind.startswith("sent")

    @property
    def delay(self) -> int:
        """Seconds between the Date header and delivery."""
        return 0 if self.sent else 2 + self.index % 97

    def text(self, size: int) -> str:
        """The letter itself, the same whenever asked (quoted again by replies)."""
        rng = random.Random(f"{self.seed}:{self.index}:text")
        to = self.to[0] if self.to else self.owner
        return words.letter(rng, self.lang, to, self.sender, size)

    def base_size(self) -> int:
        rng = random.Random(f"{self.seed}:{self.index}:size")
        return min(int(rng.lognormvariate(6.9, 0.6)), 3500)


def render(item: Item) -> bytes:
    """The message's bytes, between MIN_SIZE and MAX_SIZE."""
    size = item.base_size()
    for _ in range(8):
        data = _render(item, size)
        if len(data) < MIN_SIZE:
            size += 900
        elif len(data) > MAX_SIZE:
            size //= 2
        else:
            break
    return data


def _render(item: Item, size: int) -> bytes:
    rng = random.Random(f"{item.seed}:{item.index}:{size}")
    head = headers(item, rng)
    body = _BODIES.get(item.kind, _letter_body)(item, rng, size, len(head))
    return (head + body).encode("utf-8")


# ── bodies ──────────────────────────────────────────────────────────────────
def _part(text: str, subtype: str, rng: random.Random) -> str:
    """A text part in one of the encodings mail clients use for it."""
    encoding = rng.choice(
        ("base64", "quoted-printable", "8bit") if not text.isascii() else ("7bit",)
    )
    data = text.encode()
    if encoding == "base64":
        payload = base64.encodebytes(data).decode()
    elif encoding == "quoted-printable":
        payload = quopri.encodestring(data).decode()
    else:
        payload = text
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"\n'
        f"Content-Transfer-Encoding: {encoding}\n\n{payload}\n"
    )


def _multipart(subtype: str, parts: list[str], rng: random.Random) -> str:
    boundary = f"----=_Part_{rng.getrandbits(64):x}"
    inner = "".join(f"--{boundary}\n{part}" for part in parts)
    return f'Content-Type: multipart/{subtype}; boundary="{boundary}"\n\n{inner}--{boundary}--\n'


def _as_html(text: str, rng: random.Random, links: list[tuple[str, str]]) -> str:
    paragraphs = "".join(f'<p class="MsoNormal">{html.escape(p)}</p>\n' for p in text.split("\n\n"))
    anchors = "".join(
        f'<p><a href="{href}">{html.escape(label)}</a></p>\n' for label, href in links
    )
    style = "p.MsoNormal{margin:0cm;font-size:11.0pt;font-family:Calibri,sans-serif}" * 3
    return (
        f'<html><head><meta charset="utf-8"><style>{style}</style></head>'
        f'<body lang="{rng.choice(("VI", "EN-US"))}"><div class="WordSection1">\n'
        f"{paragraphs}{anchors}</div></body></html>"
    )


def _attachment(rng: random.Random, room: int, dangerous: bool = False) -> str:
    kind, template = rng.choice(words.ATTACHMENTS)
    name = words.fill(template, rng) + (".exe" if dangerous else "")
    raw = rng.randbytes(max(1500, min(rng.randint(2000, 16000), room * 3 // 4)))
    quoted = (
        f"filename*=UTF-8''{urllib.parse.quote(name)}"
        if not name.isascii()
        else f'filename="{name}"'
    )
    return (
        f'Content-Type: {kind}; name="{encoded(name)}"\nContent-Transfer-Encoding: base64\n'
        f"Content-Disposition: attachment; {quoted}\n\n{base64.encodebytes(raw).decode()}"
    )


def _quoted(item: Item) -> str:
    parent = item.parent
    if parent is None:
        return ""
    intro = words.QUOTE_INTRO[item.lang].format(
        date=parent.at.strftime("%d/%m/%Y %H:%M"),
        name=parent.sender.name,
        email=parent.sender.email,
    )
    if item.kind.endswith("forward"):
        return f"\n{_original_block(parent)}\n{parent.text(parent.base_size())}"
    quoted = "\n".join("> " + line for line in parent.text(parent.base_size()).splitlines())
    return f"\n{intro}\n{quoted}\n"


_ORIGINAL = {  # the header block Outlook puts above a forwarded or quoted message
    "en": "-----Original Message-----\nFrom: {sender}\nSent: {date}\nTo: {to}\n"
    "Subject: {subject}\n",
    "vi": "-----Thư gốc-----\nTừ: {sender}\nĐã gửi: {date}\nĐến: {to}\nChủ đề: {subject}\n",
}


def _original_block(parent: Item) -> str:
    return _ORIGINAL[parent.lang].format(
        sender=f"{parent.sender.name} <{parent.sender.email}>",
        date=parent.at.strftime("%d/%m/%Y %H:%M"),
        to=", ".join(f"{p.name} <{p.email}>" for p in parent.to),
        subject=parent.subject,
    )


def _letter_body(item: Item, rng: random.Random, size: int, head: int) -> str:
    forward = item.kind.endswith("forward")
    note = 200 + size - item.base_size()  # a forward: a line (longer if the mail is short)
    text = item.text(note if forward else size) + _quoted(item)
    links = (
        [(f"https://drive.{words.DOMAIN}/s/{rng.getrandbits(40):x}",) * 2]
        if rng.random() < 0.2
        else []
    )
    text += "".join(f"\n{href}\n" for _, href in links)
    body = _part(text, "plain", rng)
    if rng.random() < (0.3 if item.sent else 0.45):
        body = _multipart(
            "alternative", [body, _part(_as_html(text, rng, links), "html", rng)], rng
        )
    if item.attach:
        room = MAX_SIZE - 1024 - head - len(body.encode())
        body = _multipart("mixed", [body, _attachment(rng, room, item.kind == "phishing")], rng)
    return body


def _newsletter(item: Item, rng: random.Random, size: int, head: int) -> str:
    lines = [words.paragraph(rng, item.lang, 3) for _ in range(max(3, size // 250))]
    host = f"click.{item.sender.email.rpartition('@')[2]}"
    links = [(line[:40], f"https://{host}/t/{rng.getrandbits(64):x}") for line in lines]
    text = "\n\n".join(lines) + "\n\nUnsubscribe: https://" + host + "/u\n"
    page = _as_html(text, rng, links) * 2  # newsletters are mostly markup
    unsubscribe = f"List-Unsubscribe: <https://{host}/u/{rng.getrandbits(32):x}>\n"
    feedback = f"Feedback-ID: {rng.getrandbits(32)}:esp\n"
    meta = f"List-Id: <{item.list_id}>\n{unsubscribe}Precedence: bulk\n{feedback}"
    return meta + _multipart(
        "alternative", [_part(text, "plain", rng), _part(page, "html", rng)], rng
    )


def _notification(item: Item, rng: random.Random, size: int, head: int) -> str:
    text = "\n\n".join(words.paragraph(rng, item.lang, 2) for _ in range(max(2, size // 300)))
    meta = "Auto-Submitted: auto-generated\nX-Auto-Response-Suppress: All\n"
    return meta + _part(text + "\n\nThis is an automated message.\n", "plain", rng)


def _phishing(item: Item, rng: random.Random, size: int, head: int) -> str:
    lure = rng.choice(words.LURES[item.lang])
    shown = "https://login.microsoftonline.com/verify"
    target = f"http://198.51.100.{rng.randint(2, 250)}/owa/login.php"
    text = f"{lure}\n\n{words.paragraph(rng, item.lang, max(3, size // 200))}\n"
    body = _multipart(
        "alternative",
        [_part(text, "plain", rng), _part(_as_html(text, rng, [(shown, target)]), "html", rng)],
        rng,
    )
    if item.attach:
        body = _multipart(
            "mixed", [body, _attachment(rng, MAX_SIZE - head - len(body), dangerous=True)], rng
        )
    return body


_BODIES = {"newsletter": _newsletter, "notification": _notification, "phishing": _phishing}
