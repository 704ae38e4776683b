"""The console chat channel: the embedded default, used by the CLI and the demo.

It keeps a transcript of what it delivered, in order, and can echo each message
to a stream; the CLI prints what a pass sent from the deliveries it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TextIO

from bot.core.cards import Card
from bot.core.ports import ChatAddress


@dataclass
class ConsoleChannel:
    platform: str = "console"
    echo: TextIO | None = None
    transcript: list[tuple[ChatAddress, Card]] = field(default_factory=list)

    def send(self, to: ChatAddress, card: Card) -> str:
        self.transcript.append((to, card))
        if self.echo is not None:
            print(f"── to {to.key} ──\n{card.as_text()}\n", file=self.echo)
        return f"console-{len(self.transcript)}"
