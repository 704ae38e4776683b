"""The console chat channel: the embedded default, used by the CLI, the demo and `run`.

It can echo each message to a stream (`run` and `worker` print every DM); the CLI
prints what a pass sent from the deliveries it returns. It keeps nothing: in a
service that runs for months, a transcript would only grow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from bot.core.cards import Card
from bot.core.ports import ChatAddress


@dataclass
class ConsoleChannel:
    platform: str = "console"
    echo: TextIO | None = None
    sent: int = 0  # messages delivered, for their ids

    def send(self, to: ChatAddress, card: Card) -> str:
        self.sent += 1
        if self.echo is not None:
            print(f"── to {to.key} ──\n{card.as_text()}\n", file=self.echo, flush=True)
        return f"console-{self.sent}"
