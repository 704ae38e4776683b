"""Throughput: messages per second through triage, risks and threading on one core.

Parsing is left out (the parser has its own benchmark); the clock starts on parsed mail
and counts this process's CPU time, so other work on the machine does not lower it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Final

from bot.core.conversation import forest
from bot.core.mail import Viewer
from bot.core.risks import assess
from bot.core.triage import triage
from bot.evaluation import labels
from bot.evaluation.corpora import Message
from bot.evaluation.metrics import Row

TARGET: Final = 300.0  # messages per second
WARM_UP: Final = 50  # messages run once, untimed, before the clock starts


def row(messages: Sequence[Message]) -> Row:
    readers = [(m.mail, Viewer(email=labels.owner(m.raw, m.mail))) for m in messages]
    for mail, viewer in readers[:WARM_UP]:  # compiled patterns and caches, as a worker has them
        triage(mail, viewer, mail.received_at)
        assess(mail, viewer)
    started = time.process_time()  # CPU time: the figure holds on a busy machine too
    for mail, viewer in readers:
        triage(mail, viewer, mail.received_at)
        assess(mail, viewer)
    forest(mail for mail, _ in readers)
    took = time.process_time() - started
    rate = len(readers) / took if took else 0.0
    return Row("speed", "all triage and risk sets", "triage + risks + threading", len(readers),
               rate, TARGET, False, "msg/s", (), "one core, parsed mail")  # fmt: skip
