"""Exchange faults: back off when the server asks, and say what went wrong in one line.

Every EWS call of the provider runs through `Patience.call`, and every provider
operation inside `translated`. exchangelib runs with a fail-fast policy
(`PolitePolicy`) so that nothing sleeps or retries behind our back:
- A throttled call comes out as `ErrorServerBusy` carrying the server's wish:
  BackOffMilliseconds from an ErrorServerBusy fault, or Retry-After from an HTTP
  429 or 503. exchangelib's own patient policy does not retry 429 (it surfaces
  as MalformedResponseError), and treats HTTP 401 as throttling, so a wrong
  password would be retried for up to its max_wait (INTEGRATIONS.md, "Exchange").
  Under fail-fast a 401 is `UnauthorizedError` at once: a bad password is one
  clear error on the first request.
- `Patience` waits what the server asked plus a little jitter (so that parallel
  workers do not come back in step), or 1, 2, 4 … s when it said nothing, until
  `max_wait` seconds are spent on one call; then the pass stops with a MailError
  and the next pass resumes from the stored state (pages already ingested stay).
- `translated` turns exchangelib's errors into `MailboxUnavailable` (this
  mailbox cannot be synced now: credentials, rights, a missing mailbox, an
  unreachable server) or `MailError`, each one line without secrets or content.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from exchangelib.errors import (
    ErrorAccessDenied,
    ErrorImpersonateUserDenied,
    ErrorImpersonationDenied,
    ErrorImpersonationFailed,
    ErrorItemNotFound,
    ErrorMailboxStoreUnavailable,
    ErrorNonExistentMailbox,
    ErrorServerBusy,
    ErrorTimeoutExpired,
    EWSError,
    MalformedResponseError,
    TransportError,
    UnauthorizedError,
)
from exchangelib.protocol import FailFast
from oauthlib.oauth2 import OAuth2Error  # type: ignore[import-untyped]
from requests import RequestException

from bot.core.ports import MailboxUnavailable, MailError

T = TypeVar("T")
log = logging.getLogger("bot.mail.exchange")

FIRST_WAIT = 1.0  # seconds before the first retry when the server gave no hint
JITTER = 0.1  # up to 10% more than the server asked
_STATUS = re.compile(r"Code: (\d{3})")
_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")\]]+)")
_RIGHTS = (ErrorImpersonateUserDenied, ErrorImpersonationDenied, ErrorImpersonationFailed)


class Throttled(ErrorServerBusy):  # type: ignore[misc]
    """HTTP 429 or 503: throttled, with the Retry-After seconds when the server sent them."""

    def __init__(self, status: int, hint: float | None) -> None:
        super().__init__(f"HTTP {status}", back_off=hint)
        self.status, self.hinted = status, hint is not None


class PolitePolicy(FailFast):  # type: ignore[misc]
    """FailFast, except that HTTP 429 and 503 come out as `Throttled` with their Retry-After."""

    def raise_response_errors(self, response: Any) -> None:
        if response.status_code in (429, 503):
            raise Throttled(response.status_code, _retry_after(response.headers.get("Retry-After")))
        super().raise_response_errors(response)


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (the HTTP-date form is not used by Exchange)."""
    try:
        seconds = float(value or "")
    except ValueError:
        return None
    return seconds if seconds > 0 else None


class Patience:
    """Runs one EWS call, waiting and retrying while the server says it is busy."""

    def __init__(
        self,
        max_wait: float,
        sleep: Callable[[float], None],
        rng: random.Random | None = None,
    ) -> None:
        # Jitter only spreads retries out; nothing secret depends on it.
        self.max_wait, self.sleep, self.rng = max_wait, sleep, rng or random.Random()  # noqa: S311

    def call(self, what: str, action: Callable[[], T]) -> T:
        waited, attempt = 0.0, 0
        while True:
            try:
                return action()
            except ErrorServerBusy as busy:
                if _connection_failed(busy):
                    raise
                delay = self._delay(busy, attempt)
                if waited + delay > self.max_wait:
                    raise MailError(
                        f"Exchange is busy ({_why(busy)}) and asked to wait {delay:.0f} s while "
                        f"{what}; the next pass carries on"
                    ) from None
                log.info("Exchange is busy (%s) while %s: waiting %.1f s", _why(busy), what, delay)
                self.sleep(delay)
                waited, attempt = waited + delay, attempt + 1

    def _delay(self, busy: ErrorServerBusy, attempt: int) -> float:
        hinted = getattr(busy, "hinted", _from_server(busy))
        base = float(busy.back_off) if hinted and busy.back_off else FIRST_WAIT * 2**attempt
        return base * (1 + self.rng.uniform(0, JITTER))


def _from_server(busy: ErrorServerBusy) -> bool:
    """Whether `back_off` is the server's: an ErrorServerBusy fault's BackOffMilliseconds.

    exchangelib says "Reraised from" or "Caused by" when the busy error is its own reading
    of a transport problem; a fault without BackOffMilliseconds gets its default 10 s
    (`Protocol.RETRY_WAIT`), which is taken here as if the server had said it."""
    text = str(busy)
    return busy.back_off is not None and not text.startswith(("Reraised from", "Caused by"))


def _connection_failed(busy: ErrorServerBusy) -> bool:
    # exchangelib 5.6 services/common.py `_get_elements`: with more than one pooled session a
    # connection error is re-raised as ErrorServerBusy("Reraised from ErrorTimeoutExpired(…)").
    return str(busy).startswith("Reraised from ErrorTimeoutExpired")


def _why(busy: ErrorServerBusy) -> str:
    return f"HTTP {busy.status}" if isinstance(busy, Throttled) else "ErrorServerBusy"


@dataclass(frozen=True, slots=True)
class Where:
    """What an error line names: the mailbox, the endpoint, the account that logs in."""

    email: str
    url: str
    account: str


Explain = Callable[[Exception, "Where"], MailError]
_Kinds = type[Exception] | tuple[type[Exception], ...]
# First match wins, so subclasses come before their bases (ErrorServerBusy and the
# impersonation errors are TransportErrors too).
EXPLAINED: tuple[tuple[_Kinds, Explain], ...] = (
    ((UnauthorizedError, OAuth2Error), lambda e, w: MailboxUnavailable(_refused(e, w))),
    (ErrorNonExistentMailbox, lambda e, w: MailboxUnavailable(
        f"Exchange has no mailbox {w.email}"
    )),
    (_RIGHTS, lambda e, w: MailboxUnavailable(
        f"{w.account} may not impersonate {w.email} "
        "(it needs the ApplicationImpersonation role; see the README)"
    )),
    (ErrorAccessDenied, lambda e, w: MailboxUnavailable(f"Exchange denied access to {w.email}")),
    (ErrorMailboxStoreUnavailable, lambda e, w: MailboxUnavailable(
        f"the mailbox database of {w.email} is offline"
    )),
    (ErrorItemNotFound, lambda e, w: MailError(
        "the message is no longer in the mailbox (moved or deleted)"
    )),
    ((ErrorTimeoutExpired, ErrorServerBusy), lambda e, w: MailboxUnavailable(
        f"cannot reach Exchange at {w.url}: {_reason(e)}"
    )),
    (MalformedResponseError, lambda e, w: MailError(_not_ews(e, w))),
    (TransportError, lambda e, w: MailboxUnavailable(
        f"cannot talk to Exchange at {w.url}: {_reason(e)}"
    )),
    (EWSError, lambda e, w: MailError(f"Exchange refused ({type(e).__name__}): {_reason(e)}")),
    # The OAuth2 token request is made by requests-oauthlib, outside exchangelib's wrapping.
    (RequestException, lambda e, w: MailboxUnavailable(
        f"cannot reach the sign-in host of {w.url}: {_reason(e)}"
    )),
)  # fmt: skip


@contextmanager
def translated(where: Where) -> Iterator[None]:
    """exchangelib's errors as MailboxUnavailable / MailError, one line each (`EXPLAINED`)."""
    try:
        yield
    except MailError:
        raise
    except Exception as error:
        explain = next((x for kinds, x in EXPLAINED if isinstance(error, kinds)), None)
        if explain is None:
            raise
        raise explain(error, where) from None


def _refused(error: Exception, where: Where) -> str:
    if isinstance(error, OAuth2Error):
        return f"the token endpoint refused the EWS app's credentials ({error.error})"
    return (
        f"Exchange at {where.url} refused the credentials of {where.account} "
        "(check EWS_USERNAME/EWS_PASSWORD)"
    )


def _not_ews(error: Exception, where: Where) -> str:
    status = _STATUS.search(str(error))
    code = f"HTTP {status.group(1)}" if status else "a reply"
    hint = "(is EWS_URL the …/EWS/Exchange.asmx?)"
    return f"Exchange at {where.url} answered {code} that is not EWS {hint}"


def _reason(error: Exception) -> str:
    """The first line of an error, short: never a response body or a header dump."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return "its TLS certificate is not trusted (set REPLYMINDER_EWS_CA_BUNDLE)"
    if found := _ERRNO.search(text):  # requests' pool message around the socket's own words
        return found.group(1).strip()
    if "timed out" in text.lower():
        return "no answer in time"
    return re.sub(r"^Reraised from \w+\((.*)\)$", r"\1", text)[:200]
