"""`replyminder demo`: the whole loop on the embedded default, in a few minutes of reading.

It builds the demo world (bot/demo_world.py) in a temporary folder, then runs the
very commands an operator would, on a fixed clock: a first tick on Monday
morning, the employees answering the bot in chat (a snooze, a holding reply in
the sender's language, a forward the bot suggested), and later ticks that bring
the snooze's end, an answered thread, a breach notice and the promised day.
No network, no configuration: SQLite, Maildir and the console chat.
"""

from __future__ import annotations

import json
import mailbox
import os
import shlex
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from datetime import datetime
from email import message_from_bytes, policy
from io import StringIO
from pathlib import Path

from bot import demo_world as world
from bot.cli import main as cli

BAR = "═" * 78


def run_demo(_now: datetime | None = None) -> int:
    """The demo's story happens on Monday 30 November 2026, whatever `--now` says."""
    with tempfile.TemporaryDirectory(prefix="replyminder-demo-") as folder:
        root = Path(folder)
        with _environment(root):
            Demo(root).play()
    return 0


@contextmanager
def _environment(root: Path) -> Iterator[None]:
    values = {
        "REPLYMINDER_DATABASE_URL": f"sqlite:///{root / 'demo.db'}",
        "REPLYMINDER_INTERNAL_DOMAINS": world.DOMAIN,
        "REPLYMINDER_ROUTING_FILE": str(root / "mail" / "routing.yaml"),
        "REPLYMINDER_LOG_LEVEL": "ERROR",
    }
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class Demo:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.boxes = world.build(root / "mail")
        self.lan, self.david = world.LAN[1], world.DAVID[1]

    def play(self) -> None:
        self.title("Replyminder demo — Sao Mai Trading, Hồ Chí Minh City, Monday 30 Nov 2026")
        print(
            "Two employees: Trần Thị Lan (sales, the bot speaks Vietnamese to her) and David\n"
            "Miller (purchasing, English). Their mail is in local Maildirs; the database is\n"
            "SQLite; the chat is this console. The promise: every email answered within 24\n"
            "working hours (08:00-12:00, 13:00-17:00, Mon-Fri, Vietnamese holidays off)."
        )
        self.register()
        self.first_tick()
        self.lan_in_chat()
        self.david_in_chat()
        self.later_that_day()
        self.later_that_week()
        self.title("The end")
        print("Everything above is what `replyminder` prints. Try it yourself: README.md.")

    def register(self) -> None:
        self.step("Register the employees and their mailboxes")
        self.cli(
            "user",
            "add",
            self.lan,
            "--name",
            "Trần Thị Lan",
            "--locale",
            "vi",
            "--maildir",
            str(self.boxes[self.lan]),
            now="2026-11-30T07:55",
        )
        self.cli(
            "user",
            "add",
            self.david,
            "--name",
            "David Miller",
            "--locale",
            "en",
            "--maildir",
            str(self.boxes[self.david]),
            now="2026-11-30T07:55",
        )

    def first_tick(self) -> None:
        self.step("08:00 — the first tick reads both mailboxes, triages, and reminds")
        self.cli("tick", now="2026-11-30T08:00")
        self.step("What the bot now tracks (every email, also the ones it sets aside)")
        self.cli("threads", self.lan, "--all", now="2026-11-30T08:01")
        self.cli("threads", self.david, "--all", now="2026-11-30T08:01")
        self.explain_one(self.david, "Outstanding invoice")

    def lan_in_chat(self) -> None:
        self.step("08:10 — Lan answers the bot in Vietnamese")
        self.chat(self.lan, "danh sách", "08:10")
        minh = self.ref(self.lan, "PO-2311")
        self.chat(self.lan, f"hoãn #{minh} 2 tiếng nữa", "08:11")
        invoice = self.ref(self.lan, "Hóa đơn tháng 11")
        self.chat(self.lan, f"chuyển tiếp #{invoice} ketoan nhờ chị kiểm tra giúp em", "08:12")
        self.show_sent(self.lan, "Fwd:")

    def david_in_chat(self) -> None:
        self.step("08:20 — David: a holding reply, in the sender's language (Vietnamese)")
        thao = self.ref(self.david, "vận chuyển")
        self.chat(self.david, f"hold #{thao} friday", "08:20")
        self.show_sent(self.david, "Re: Báo giá")
        print("Clicking the button twice sends nothing more:")
        self.chat(self.david, f"hold #{thao} friday", "08:21")
        sarah = self.ref(self.david, "Quotation")
        self.chat(self.david, f"snooze #{sarah} next monday", "08:22")
        risky = self.ref(self.david, "Outstanding invoice")
        self.chat(self.david, f"done #{risky} reported to IT", "08:23")
        self.chat(self.david, "forward #1 someone@elsewhere.com", "08:24")

    def later_that_day(self) -> None:
        self.step("10:15 — Lan's snooze is over: the reminder comes back")
        self.cli("tick", now="2026-11-30T10:15")
        self.step("10:30 — Lan answers Minh from her mail client; the next tick sees it in Sent")
        self.reply_from_client()
        self.cli("tick", now="2026-11-30T10:30")
        self.cli("threads", self.lan, now="2026-11-30T10:31")

    def later_that_week(self) -> None:
        self.step("Tuesday 08:00 — the morning digest")
        self.cli("tick", now="2026-12-01T08:00")
        self.step("Wednesday 14:05 — Sarah's email has passed its 24 working hours")
        self.cli("tick", now="2026-12-02T14:05")
        self.step("Friday 08:00 — the day David promised Thảo an answer")
        self.cli("tick", now="2026-12-04T08:00")

    # ── helpers ────────────────────────────────────────────────────────────
    def cli(self, *args: str, now: str) -> str:
        shown = " ".join(shlex.quote(a) for a in args)
        print(f"\n$ replyminder {shown} --now {now}")
        buffer = StringIO()
        with redirect_stdout(buffer):
            code = cli([*args, "--now", now])
        text = buffer.getvalue().rstrip()
        print(text)
        if code:
            print(f"(exit {code})")
        return text

    def chat(self, email: str, text: str, at: str) -> None:
        self.cli("chat", email, text, now=f"2026-11-30T{at}")

    def ref(self, email: str, subject: str) -> int:
        with redirect_stdout(StringIO()) as buffer:
            cli(["threads", email, "--all", "--json", "--now", "2026-11-30T08:00"])
        threads = json.loads(buffer.getvalue())
        return int(next(t["ref"] for t in threads if subject in t["subject"]))

    def explain_one(self, email: str, subject: str) -> None:
        with redirect_stdout(StringIO()) as buffer:
            cli(["threads", email, "--all", "--json", "--now", "2026-11-30T08:01"])
        thread = next(t for t in json.loads(buffer.getvalue()) if subject in t["subject"])
        print(f"\nWhy “{thread['subject']}” is flagged ({email}, threads --json):")
        for risk in thread["risks"]:
            print(f"  ⚠ {risk['kind']}: {risk['detail']}")

    def show_sent(self, email: str, prefix: str) -> None:
        sent = self.boxes[email] / ".Sent"
        for path in sorted((sent / "cur").iterdir(), key=lambda p: p.stat().st_mtime, reverse=True):
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            if str(message["Subject"]).startswith(prefix):
                print(f"\n  ✉ in {email}'s Sent folder:")
                for name in ("From", "To", "Subject", "In-Reply-To"):
                    if message[name]:
                        print(f"    {name}: {message[name]}")
                body = message.get_body(preferencelist=("plain",))
                text = body.get_content() if body else ""
                print("    " + text.strip().replace("\n", "\n    "))
                return

    def reply_from_client(self) -> None:
        letter = world.Letter(
            world.LAN,
            (world.MINH,),
            "Re: KHẨN: Xác nhận đơn hàng PO-2311",
            "Chào Minh, chị xác nhận 2.000 cái, giao ngày 10/12.",
            world.local(30, 10, 25),
            "lan-po2311@saomai.vn",
            in_reply_to="po2311@vinaplast.vn",
        )
        box = mailbox.Maildir(self.boxes[self.lan], create=False).get_folder("Sent")
        box.add(mailbox.MaildirMessage(world.render(letter)))
        print("\n  (Lan's mail client puts her reply to Minh into Sent)")

    def title(self, text: str) -> None:
        print(f"\n{BAR}\n  {text}\n{BAR}")

    def step(self, text: str) -> None:
        print(f"\n── {text} " + "─" * max(0, 74 - len(text)))
        sys.stdout.flush()
