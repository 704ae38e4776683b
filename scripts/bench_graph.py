"""Graph sync speed: 50 mailboxes × 2,000 messages on the loopback fake Graph, 20 ms a request.

    .venv/bin/python -m scripts.bench_graph [--mailboxes 50] [--messages 2000]
        [--latency 0.02] [--workers 4]

Two measurements, each a first sync then an idle pass:
- provider: `GraphProvider.sync` drained for every mailbox and folder, `--workers`
  mailboxes at a time, as `sync_all` schedules them: the cost of Graph itself
  (requests, TLS, JSON, normalization), no database;
- sync: `replyminder sync` as the CLI runs it (`App.sync`: ingest, triage, risks,
  threads) into a fresh SQLite file, REPLYMINDER_SYNC_WORKERS=`--workers`.
Each mailbox holds 80 % of its messages in Inbox and 20 % in Sent Items, all inside
the 14-day look-back, a fifth with an attachment, a third from mailing lists. The
fake sleeps `--latency` inside every request (within Exchange's limit of four per
mailbox, which it enforces); requests are counted by the fake. The figures go to
stdout, progress to stderr.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bot.core.mail import Folder
from bot.core.ports import Mailbox
from bot.mail.graph import GraphProvider
from bot.mail.graph_auth import GraphAuth, GraphConfig
from bot.mail.graph_client import GraphClient
from scripts.benchkit import provider_app, sync_pass
from tests.graph.conftest import CLIENT, NOW, SECRET, SINCE, TENANT
from tests.graph.fake_graph import FakeGraph
from tests.graph.fake_mailbox import Box, received_message, sent_message
from tests.graph.fake_server import TlsFiles, serve, tls
from tests.graph.fake_tokens import FakeTokens

DOMAIN = "congty.vn"
SENDERS = [
    ("Trần Minh", "minh@doitac.vn"),
    ("Lê Lan", "lan@congty.vn"),
    ("Phạm Tuấn", "tuan@khachhang.com.vn"),
    ("Sales Team", "sales@nhacungcap.vn"),
    ("David Nguyen", "david@partner.com"),
]
TOPICS = [
    "Báo giá container tháng 4",
    "Xác nhận đơn hàng PO-{n}",
    "Hợp đồng khung 2026",
    "Shipping schedule week {n}",
    "Đề nghị thanh toán hóa đơn {n}",
    "Meeting notes {n}",
    "Khiếu nại giao hàng chậm",
]


def say(message: str) -> None:
    print(f"› {message}", file=sys.stderr, flush=True)


@dataclass
class Pass:
    what: str
    seconds: float
    requests: int
    messages: int

    def line(self) -> str:
        rate = f"{self.messages / self.seconds:,.0f} msg/s" if self.messages else "—"
        figures = f"{self.seconds:8.2f} s {self.requests:9,} requests {self.messages:9,} messages"
        return f"{self.what:<22} {figures}  {rate}"


def fill(box: Box, messages: int) -> None:
    """A mailbox of `messages`: 80 % received, 20 % sent, spread over the last 13 days."""
    inbox = messages * 4 // 5
    for n in range(inbox):
        name, email = SENDERS[n % len(SENDERS)]
        headers = (
            {"List-Id": "<sales.nhacungcap.vn>", "List-Unsubscribe": "<mailto:u@nhacungcap.vn>"}
            if n % 3 == 0
            else {}
        )
        files = [("bao-gia.pdf", "application/pdf", 84_000, False)] if n % 5 == 0 else []
        received_message(
            box,
            sender=(name, email),
            subject=TOPICS[n % len(TOPICS)].format(n=n),
            text=f"Chào anh/chị,\nNhờ anh/chị xem giúp nội dung số {n} trước thứ Sáu.\nTrân trọng",
            received=NOW - timedelta(minutes=13 * 24 * 60 * n / inbox + 5),
            headers=headers,
            attachments=files,
        )
    for n in range(messages - inbox):
        name, email = SENDERS[n % len(SENDERS)]
        sent_message(
            box,
            to=(name, email),
            subject="RE: " + TOPICS[n % len(TOPICS)].format(n=n),
            text="Cảm ơn anh/chị, em đã nhận được.",
            sent=NOW - timedelta(minutes=17 * n + 3),
            in_reply_to=None,
        )


@contextmanager
def fake_graph(
    files: TlsFiles, mailboxes: int, messages: int
) -> Iterator[tuple[FakeGraph, list[str]]]:
    fake = FakeGraph(FakeTokens(TENANT, CLIENT, SECRET), at=NOW)
    with serve(files, fake.answer) as base:
        fake.base, fake.tokens.base, fake.tokens.resource = f"{base}/v1.0", base, base
        addresses = [f"user{i:02d}@{DOMAIN}" for i in range(mailboxes)]
        for number, email in enumerate(addresses, 1):
            fill(fake.add_mailbox(email, f"Nhân viên {number}"), messages)
        yield fake, addresses


def measured(fake: FakeGraph, what: str, work: Callable[[], int]) -> Pass:
    before = len(fake.requests)
    started = time.perf_counter()
    messages = work()
    return Pass(what, time.perf_counter() - started, len(fake.requests) - before, messages)


def provider_passes(
    fake: FakeGraph, addresses: list[str], files: TlsFiles, workers: int
) -> list[Pass]:
    config = GraphConfig(TENANT, CLIENT, SECRET, fake.base, fake.tokens.base, files.ca_bundle)
    provider = GraphProvider(GraphClient(config, GraphAuth(config).token))
    states: dict[tuple[str, Folder], str | None] = {(a, f): None for a in addresses for f in Folder}

    def one(email: str) -> int:
        count = 0
        for folder in (Folder.SENT, Folder.INBOX):
            for page in provider.sync(
                Mailbox(email, "graph", email), folder, states[email, folder], SINCE
            ):
                count += len(page.mails)
                states[email, folder] = page.state
        return count

    def everyone() -> int:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return sum(pool.map(one, addresses))

    return [
        measured(fake, "provider: first sync", everyone),
        measured(fake, "provider: idle pass", everyone),
    ]


def cli_passes(
    fake: FakeGraph, addresses: list[str], files: TlsFiles, workers: int, workdir: Path
) -> list[Pass]:
    settings = {
        "REPLYMINDER_INTERNAL_DOMAINS": DOMAIN,
        "REPLYMINDER_SYNC_WORKERS": str(workers),
        "REPLYMINDER_GRAPH_TENANT_ID": TENANT,
        "REPLYMINDER_GRAPH_CLIENT_ID": CLIENT,
        "REPLYMINDER_GRAPH_CLIENT_SECRET": SECRET,
        "REPLYMINDER_GRAPH_URL": fake.base,
        "REPLYMINDER_GRAPH_AUTHORITY": fake.tokens.base,
        "REPLYMINDER_GRAPH_CA_BUNDLE": str(files.ca_bundle),
    }
    app = provider_app(workdir, "graph", addresses, NOW, settings)
    return [
        measured(fake, "sync: first sync", sync_pass(app, NOW, "bench_graph")),
        measured(
            fake, "sync: idle pass", sync_pass(app, NOW + timedelta(minutes=5), "bench_graph")
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_graph", description=__doc__.splitlines()[0])
    parser.add_argument("--mailboxes", type=int, default=50)
    parser.add_argument("--messages", type=int, default=2000, help="per mailbox")
    parser.add_argument("--latency", type=float, default=0.02, help="seconds added to each request")
    parser.add_argument("--workers", type=int, default=4, help="mailboxes synced at once")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-graph-") as folder:
        workdir = Path(folder)
        files = tls(workdir)
        say(f"filling the fake Graph: {args.mailboxes} mailboxes × {args.messages} messages")
        with fake_graph(files, args.mailboxes, args.messages) as (fake, addresses):
            fake.latency = args.latency
            say("provider passes")
            passes = provider_passes(fake, addresses, files, args.workers)
            say("replyminder sync passes (ingest into SQLite)")
            passes += cli_passes(fake, addresses, files, args.workers, workdir)
            most = max(box.most_in_flight for box in fake.boxes.values())
    print(
        f"Graph sync: {args.mailboxes} mailboxes × {args.messages:,} messages, "
        f"{args.latency * 1000:.0f} ms a request, {args.workers} mailboxes at once, "
        f"at most {most} request(s) in flight per mailbox"
    )
    for measured_pass in passes:
        print("  " + measured_pass.line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
