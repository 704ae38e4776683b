"""The Graph provider in the provider contract suite (tests/contract): the fake Graph over TLS.

`deliver` puts a message in the Inbox as Exchange Online shows it; `sent` reads what
the fake's `send` let out, as its recipients would get it: the HTML body as text,
In-Reply-To from PidTagInReplyToId, the marker from its internet-header property.
"""

from __future__ import annotations

import html
import re
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.core.mail import Address
from bot.core.ports import Mailbox
from bot.mail.graph import GraphProvider
from bot.mail.graph_auth import GraphAuth, GraphConfig
from bot.mail.graph_client import GraphClient
from tests.graph.conftest import CLIENT, SECRET, TENANT
from tests.graph.fake_graph import FakeGraph
from tests.graph.fake_mailbox import received_message
from tests.graph.fake_server import serve, tls
from tests.graph.fake_tokens import FakeTokens

_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class GraphSent:
    to: tuple[str, ...]
    subject: str
    body: str
    in_reply_to: str | None
    marker: str


class GraphHarness:
    def __init__(self, tmp: Path, now: datetime, owner: Address) -> None:
        self.now, self._stack = now, ExitStack()
        self.fake = FakeGraph(FakeTokens(TENANT, CLIENT, SECRET), at=now)
        files = tls(tmp)
        base = self._stack.enter_context(serve(files, self.fake.answer))
        self.fake.base, self.fake.tokens.base, self.fake.tokens.resource = (
            f"{base}/v1.0",
            base,
            base,
        )
        self.box = self.fake.add_mailbox(owner.email, owner.name)
        config = GraphConfig(TENANT, CLIENT, SECRET, self.fake.base, base, files.ca_bundle)
        client = GraphClient(config, GraphAuth(config).token, sleep=lambda seconds: None)
        self.provider = GraphProvider(client)
        self.mailbox = Mailbox(owner.email, "graph", owner.email)

    def deliver(self, subject: str, sender: Address, body: str, message_id: str) -> None:
        received = self.now - timedelta(hours=1)
        received_message(self.box, sender=(sender.name, sender.email), subject=subject, text=body,
                         received=received, message_id=f"<{message_id}>")  # fmt: skip

    def settle(self) -> None:
        pass

    def sent(self) -> list[GraphSent]:
        return [_as_sent(message) for message in self.fake.outbound]

    def close(self) -> None:
        self._stack.close()


def _as_sent(message: dict[str, Any]) -> GraphSent:
    properties: dict[str, str] = message["properties"]
    marker = next((v for k, v in properties.items() if k.endswith("Name X-Replyminder")), "")
    return GraphSent(
        tuple(r["emailAddress"]["address"] for r in message["toRecipients"]),
        str(message["subject"]),
        html.unescape(_TAG.sub("\n", message["body"]["content"])),
        properties.get("String 0x1042", "").strip("<>") or None,
        marker,
    )
