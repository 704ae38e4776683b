"""Exchange sync speed: 50 mailboxes × 2,000 messages on the fake EWS server, 20 ms a request.

    .venv/bin/python -m scripts.bench_exchange [--mailboxes 50] [--messages 2000]
        [--latency 0.02] [--workers 4] [--days 13]

Two measurements, each a first sync then an idle pass:
- provider: `ExchangeProvider.sync` drained for every mailbox and folder, `--workers`
  mailboxes at a time, as `sync_all` schedules them: the cost of EWS itself (SOAP,
  exchangelib's parsing, normalization), no database;
- sync: `replyminder sync` as the CLI runs it (`App.sync`: ingest, triage, risks,
  threads) into a fresh SQLite file, REPLYMINDER_SYNC_WORKERS=`--workers`.
Each mailbox holds 80 % of its messages in Inbox and 20 % in Sent Items, spread over
the last `--days` days (13 by default: all inside the 14-day look-back, the worst
case), a fifth with an attachment, a third from a mailing list, the bodies HTML.
The fake EWS server (tests/exchange/fake_ews.py) runs in a child process, so that
its XML work does not share our interpreter, and sleeps `--latency` inside every
request; it counts the requests and the most in flight for one mailbox. The
figures go to stdout, progress to stderr.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bot.core.mail import Folder
from bot.core.ports import Mailbox
from bot.mail.exchange import EwsConfig, ExchangeProvider
from scripts.benchkit import provider_app, sync_pass
from tests.exchange.fake_ews import PASSWORD, SERVICE_ACCOUNT, FakeEws
from tests.exchange.fake_ews_store import Attached

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # Tuesday 10:00 in Hanoi
DOMAIN = "congty.vn"
SENDERS = [
    ("Trần Minh", "minh@doitac.vn"),
    ("Lê Lan", "lan@congty.vn"),
    ("Phạm Tuấn", "tuan@khachhang.com.vn"),
    ("Sales Team", "sales@nhacungcap.vn"),
    ("David Nguyen", "david@partner.com"),
]
TOPICS = [
    "Báo giá container tháng 4", "Xác nhận đơn hàng PO-{n}", "Hợp đồng khung 2026",
    "Shipping schedule week {n}", "Đề nghị thanh toán hóa đơn {n}", "Meeting notes {n}",
    "Khiếu nại giao hàng chậm",
]  # fmt: skip
BODY = (
    "<html><body><p>Chào anh/chị,</p><p>Nhờ anh/chị xem giúp nội dung số {n} trước thứ Sáu; "
    'chi tiết ở <a href="https://portal.{domain}/orders/{n}">cổng đơn hàng</a>.</p>'
    "<p>{filler}</p><p>Trân trọng,<br>{name}</p></body></html>"
)
FILLER = "Thông tin giao hàng, số lượng, đơn giá và điều kiện thanh toán như đã trao đổi. " * 12


def say(message: str) -> None:
    print(f"› {message}", file=sys.stderr, flush=True)


@dataclass
class Pass:
    what: str
    seconds: float
    requests: dict[str, int]
    messages: int

    def line(self) -> str:
        total = sum(self.requests.values())
        rate = f"{self.messages / self.seconds:,.0f} msg/s" if self.messages else "—"
        kinds = ", ".join(
            f"{op} {n:,}" for op, n in sorted(self.requests.items(), key=lambda x: -x[1])
        )
        figures = f"{self.seconds:8.2f} s {total:7,} requests {self.messages:8,} messages"
        return f"{self.what:<22} {figures}  {rate:>11}  ({kinds})"


def fill(fake: FakeEws, email: str, messages: int, days: float) -> None:
    """80 % received, 20 % sent (replies to some of them), spread over `days` before NOW."""
    inbox = messages * 4 // 5
    received = []
    for n in range(inbox):
        name, sender = SENDERS[n % len(SENDERS)]
        at = NOW - timedelta(minutes=days * 24 * 60 * n / inbox + 5)
        received.append(
            fake.deliver(
                email,
                TOPICS[n % len(TOPICS)].format(n=n),
                (name, sender),
                body=BODY.format(n=n, domain=DOMAIN, filler=FILLER, name=name),
                html=True,
                headers=[("List-Id", "<sales.nhacungcap.vn>")] if n % 3 == 0 else [],
                attachments=[Attached("bao-gia.pdf", "application/pdf", 84_000)]
                if n % 5 == 0
                else [],
                received=at,
                sent=at - timedelta(seconds=40),
            )
        )
    for n in range(messages - inbox):
        original = received[(n * 3) % inbox]
        assert original.sender is not None
        fake.store.put(
            email,
            "sentitems",
            subject="RE: " + original.subject,
            body="Cảm ơn anh/chị, em đã nhận được.",
            sender=("", email),
            to=[original.sender],
            in_reply_to=original.message_id,
            conversation_id=original.conversation_id,
            received=original.received + timedelta(minutes=30),
            sent=original.received + timedelta(minutes=30),
        )


def serve(conn: Connection, mailboxes: int, messages: int, days: float, latency: float) -> None:
    """The child process: a fake Exchange filled with mail, until the parent says stop."""
    fake = FakeEws()
    fake.clock = NOW
    for number in range(mailboxes):
        email = fake.mailbox(f"user{number:02d}@{DOMAIN}", f"Nhân viên {number + 1}")
        fill(fake, email, messages, days)
    fake.latency = latency
    conn.send(fake.url)
    conn.recv()
    fake.close()


@contextmanager
def fake_exchange(mailboxes: int, messages: int, days: float, latency: float) -> Iterator[str]:
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.get_context("fork").Process(
        target=serve, args=(child, mailboxes, messages, days, latency), daemon=True
    )
    process.start()
    try:
        yield parent.recv()
    finally:
        parent.send("stop")
        process.join(timeout=10)


def stats(url: str) -> dict[str, Any]:
    origin = url.removesuffix("/EWS/Exchange.asmx")
    with urllib.request.urlopen(f"{origin}/_fake/stats", timeout=10) as answer:
        data: dict[str, Any] = json.loads(answer.read())
    return data


def measured(url: str, what: str, work: Callable[[], int]) -> Pass:
    before = stats(url)["operations"]
    started = time.perf_counter()
    messages = work()
    seconds = time.perf_counter() - started
    after = stats(url)["operations"]
    return Pass(
        what,
        seconds,
        {op: n - before.get(op, 0) for op, n in after.items() if n > before.get(op, 0)},
        messages,
    )


def provider_passes(url: str, addresses: list[str], workers: int) -> list[Pass]:
    config = EwsConfig(
        url=url, auth="basic", username=SERVICE_ACCOUNT, password=PASSWORD, connections=workers
    )
    provider = ExchangeProvider(config)
    states: dict[tuple[str, Folder], str | None] = {(a, f): None for a in addresses for f in Folder}
    since = NOW - timedelta(days=14)

    def one(email: str) -> int:
        count = 0
        for folder in (Folder.SENT, Folder.INBOX):
            for page in provider.sync(
                Mailbox(email, "exchange", email), folder, states[email, folder], since
            ):
                count += len(page.mails)
                states[email, folder] = page.state
        return count

    def everyone() -> int:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return sum(pool.map(one, addresses))

    return [
        measured(url, "provider: first sync", everyone),
        measured(url, "provider: idle pass", everyone),
    ]


def cli_passes(url: str, addresses: list[str], workers: int, workdir: Path) -> list[Pass]:
    settings = {
        "REPLYMINDER_INTERNAL_DOMAINS": DOMAIN,
        "REPLYMINDER_SYNC_WORKERS": str(workers),
        "REPLYMINDER_EWS_URL": url,
        "REPLYMINDER_EWS_AUTH": "basic",
        "REPLYMINDER_EWS_USERNAME": SERVICE_ACCOUNT,
        "REPLYMINDER_EWS_PASSWORD": PASSWORD,
    }
    app = provider_app(workdir, "exchange", addresses, NOW, settings)
    return [
        measured(url, "sync: first sync", sync_pass(app, NOW, "bench_exchange")),
        measured(
            url, "sync: idle pass", sync_pass(app, NOW + timedelta(minutes=5), "bench_exchange")
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench_exchange", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("--mailboxes", type=int, default=50)
    parser.add_argument("--messages", type=int, default=2000, help="per mailbox")
    parser.add_argument("--latency", type=float, default=0.02, help="seconds added to each request")
    parser.add_argument("--workers", type=int, default=4, help="mailboxes synced at once")
    parser.add_argument("--days", type=float, default=13, help="how far back the messages go")
    args = parser.parse_args(argv)
    say(f"filling the fake Exchange: {args.mailboxes} mailboxes × {args.messages} messages")
    addresses = [f"user{number:02d}@{DOMAIN}" for number in range(args.mailboxes)]
    with (
        tempfile.TemporaryDirectory(prefix="bench-exchange-") as folder,
        fake_exchange(args.mailboxes, args.messages, args.days, args.latency) as url,
    ):
        say("provider passes")
        passes = provider_passes(url, addresses, args.workers)
        say("replyminder sync passes (ingest into SQLite)")
        passes += cli_passes(url, addresses, args.workers, Path(folder))
        most = stats(url)["most_in_flight"]
    print(
        f"Exchange sync: {args.mailboxes} mailboxes × {args.messages:,} messages "
        f"over {args.days:g} days, "
        f"{args.latency * 1000:.0f} ms a request, {args.workers} mailboxes at once, "
        f"at most {most} request(s) in flight per mailbox"
    )
    for measured_pass in passes:
        print("  " + measured_pass.line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
