"""Teams: jittered back-off around every call to the Bot Framework connector.

Replies, card updates, member look-ups and proactive reminders all go through
`retrying`. The connector throttles at about 7 operations per second per
conversation; Microsoft's guidance for Teams bots ("Optimize your bot: rate
limiting and best practices", learn.microsoft.com, 2025) is to retry 429, 412,
502 and 504 with exponential back-off and jitter. The Agents SDK 1.9 retries
nothing itself: its connector raises `aiohttp.ClientResponseError` on any non-2xx.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from aiohttp import ClientResponseError

log = logging.getLogger(__name__)

T = TypeVar("T")
RETRYABLE = frozenset({412, 429, 502, 504})


@dataclass(frozen=True)
class Backoff:
    """How long to wait between attempts: full jitter under an exponential cap."""

    attempts: int = 4
    base: float = 0.5  # seconds before the second attempt, at most
    cap: float = 8.0  # no single wait is longer, whatever Retry-After says
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """The wait after failed attempt number `attempt` (1-based)."""
        if retry_after is not None:
            return min(self.cap, max(0.0, retry_after))
        return self.rng.uniform(0, min(self.cap, self.base * 2 ** (attempt - 1)))


async def retrying(call: Callable[[], Awaitable[T]], backoff: Backoff, what: str) -> T:
    """`call()`, again after a wait while the connector answers with a throttling status."""
    for attempt in range(1, backoff.attempts + 1):
        try:
            return await call()
        except ClientResponseError as error:
            if error.status not in RETRYABLE or attempt == backoff.attempts:
                raise
            wait = backoff.delay(attempt, _retry_after(error))
            log.info("Teams %s: HTTP %d, retrying in %.1fs", what, error.status, wait)
            await asyncio.sleep(wait)
    raise AssertionError("unreachable: the last attempt returns or raises")


def _retry_after(error: ClientResponseError) -> float | None:
    value = error.headers.get("Retry-After", "") if error.headers else ""
    try:
        return float(value)
    except ValueError:  # absent, or an HTTP date (the connector sends seconds)
        return None
