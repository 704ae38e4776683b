"""A thin, typed httpx client for the few Graph endpoints the Graph provider uses.

`graph.py` (sync) and `graph_send.py` (replies and forwards) call it; it owns
what is the same for every call:
- the bearer token from `graph_auth.py`, and `Prefer: IdType="ImmutableId"`, so
  that a message keeps its id when it moves between folders;
- at most four requests in flight per mailbox (Exchange Online answers a fifth
  with 429 "MailboxConcurrency"; Graph throttling limits, Outlook service);
- 429 and 503 retried after the server's `Retry-After`, up to `MAX_WAIT` seconds
  each and `MAX_ATTEMPTS` in all; a longer wait is left to the next sync pass;
- errors turned into one line (`MailError`, or `MailboxUnavailable` when nothing
  can be done with the mailbox): a 403 names the permission the app lacks. A
  410 (an expired delta or next link) is `SyncGone`, for the sync to start over.
Error messages carry Graph's error code and message, never a mail's content.
"""

from __future__ import annotations

import logging
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from bot.core.ports import MailboxUnavailable, MailError
from bot.mail.graph_auth import GraphConfig

Json = dict[str, Any]
READ = "Mail.ReadWrite"  # reading, drafting and patching messages
SEND = "Mail.Send"
MAX_CONCURRENT = 4  # requests in flight per mailbox
MAX_ATTEMPTS = 5
MAX_WAIT = 30.0  # seconds: a longer Retry-After ends this pass for the mailbox
TIMEOUT = httpx.Timeout(60.0, connect=10.0)
RETRIED = frozenset({429, 503, 504})
GONE_CODES = frozenset({"SyncStateNotFound", "SyncStateInvalid", "resyncRequired"})
MESSAGE_GONE = frozenset({"ErrorItemNotFound", "ErrorInvalidIdMalformed"})
_MESSAGE_LIMIT = 160  # characters of Graph's error message kept in ours

log = logging.getLogger("bot.mail.graph")


class SyncGone(MailError):
    """A delta or next link has expired (410 SyncStateNotFound): sync from the start."""


class GraphClient:
    """One httpx client shared by every mailbox and sync thread (httpx.Client is thread-safe)."""

    def __init__(
        self,
        config: GraphConfig,
        token: Callable[[], str],
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base = config.url.rstrip("/")
        self._token, self._sleep = token, sleep
        self._http = httpx.Client(verify=_trusted(config), timeout=TIMEOUT)
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._slots_lock = threading.Lock()

    def url(self, mailbox: str, path: str) -> str:
        return f"{self.base}/users/{quote(mailbox, safe='@')}/{path}"

    def owns(self, url: str) -> bool:
        """Whether `url` is on our Graph host: a stored link never takes the token elsewhere."""
        ours, theirs = urlsplit(self.base), urlsplit(url)
        return (ours.scheme, ours.netloc) == (theirs.scheme, theirs.netloc)

    def get(
        self,
        mailbox: str,
        url: str,
        params: dict[str, str] | None = None,
        prefer: Sequence[str] = (),
        permission: str = READ,
        headers: dict[str, str] | None = None,
    ) -> Json:
        return self.call(
            mailbox,
            "GET",
            url,
            params=params,
            prefer=prefer,
            permission=permission,
            headers=headers,
        )

    def call(
        self,
        mailbox: str,
        method: str,
        url: str,
        *,
        params: dict[str, str] | None = None,
        body: Json | None = None,
        prefer: Sequence[str] = (),
        permission: str = READ,
        headers: dict[str, str] | None = None,
    ) -> Json:
        """One request, retried while throttled; its JSON answer ({} for 202 and 204)."""
        sent = {"Prefer": ", ".join(('IdType="ImmutableId"', *prefer)), **(headers or {})}
        with self._slot(mailbox):
            response = self._retried(method, url, params, body, sent)
        if response.status_code >= 300:
            raise _failure(mailbox, response, permission)
        try:
            return dict(response.json()) if response.content else {}
        except (ValueError, TypeError):  # a proxy's HTML page, a cut answer, not an object
            raise MailError(f"Graph answered {mailbox}'s request with no JSON") from None

    def _retried(
        self,
        method: str,
        url: str,
        params: dict[str, str] | None,
        body: Json | None,
        headers: dict[str, str],
    ) -> httpx.Response:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            headers["Authorization"] = f"Bearer {self._token()}"
            response = self._send(method, url, params, body, headers)
            if response.status_code not in RETRIED:
                return response
            wait = _retry_after(response, attempt)
            if wait > MAX_WAIT or attempt == MAX_ATTEMPTS:
                return response
            log.info("Graph throttled a request (%d): waiting %.1f s", response.status_code, wait)
            self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _send(
        self,
        method: str,
        url: str,
        params: dict[str, str] | None,
        body: Json | None,
        headers: dict[str, str],
    ) -> httpx.Response:
        try:
            return self._http.request(method, url, params=params, json=body, headers=headers)
        except httpx.RequestError as error:  # no connection, timeouts, an undecodable body
            host = urlsplit(url).netloc
            raise MailboxUnavailable(
                f"cannot reach Graph at {host} ({type(error).__name__})"
            ) from None

    @contextmanager
    def _slot(self, mailbox: str) -> Iterator[None]:
        with self._slots_lock:
            slot = self._slots.setdefault(
                mailbox.lower(), threading.BoundedSemaphore(MAX_CONCURRENT)
            )
        with slot:
            yield


def _trusted(config: GraphConfig) -> ssl.SSLContext | bool:
    """The CA bundle setting replaces the system's CAs; without it httpx honours SSL_CERT_FILE."""
    if config.ca_bundle is None:
        return True
    try:
        return ssl.create_default_context(cafile=str(config.ca_bundle))
    except (ssl.SSLError, OSError) as error:
        raise MailError(
            f"REPLYMINDER_GRAPH_CA_BUNDLE: {config.ca_bundle} holds no usable CA ({error})"
        ) from None


def _retry_after(response: httpx.Response, attempt: int) -> float:
    """The server's Retry-After in seconds; without one, 1, 2, 4… seconds."""
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return float(2 ** (attempt - 1))


def _error(response: httpx.Response) -> tuple[str, str]:
    """Graph's error code and the first line of its message (Graph errors are JSON)."""
    try:
        error = response.json().get("error", {})
    except ValueError:
        return "", ""
    if not isinstance(error, dict):
        return str(error), ""
    lines = str(error.get("message", "")).strip().splitlines()
    return str(error.get("code", "")), (lines[0][:_MESSAGE_LIMIT] if lines else "")


_THROTTLED = "Graph is throttling {mailbox} ({said}); the next pass tries again"
_FAILURES: dict[int, tuple[type[MailError], str]] = {
    401: (
        MailboxUnavailable,
        "Graph refused the app's token for {mailbox} ({said}): check "
        "REPLYMINDER_GRAPH_TENANT_ID and that the app has application permissions",
    ),
    429: (MailError, _THROTTLED),
    503: (MailError, _THROTTLED),
    504: (MailError, _THROTTLED),
}


def _failure(mailbox: str, response: httpx.Response, permission: str) -> MailError:
    status = response.status_code
    code, message = _error(response)
    said = f"{status} {code}: {message}" if message else f"{status} {code}".strip()
    if status == 410 or code in GONE_CODES:
        return SyncGone(f"the Graph sync state of {mailbox} expired ({said})")
    if status == 403:
        return _denied(mailbox, said, permission)
    if status == 404 and code in MESSAGE_GONE:
        return MailError(f"the message is no longer in {mailbox}: deleted or moved ({said})")
    if status == 404:
        return MailboxUnavailable(f"no Exchange Online mailbox for {mailbox} ({said})")
    kind, text = _FAILURES.get(status, (MailError, "Graph answered {said} for {mailbox}"))
    return kind(text.format(mailbox=mailbox, said=said))


def _denied(mailbox: str, said: str, permission: str) -> MailError:
    line = (
        f"Graph denied access to {mailbox} ({said}): the app needs the application permission "
        f"{permission} with admin consent, and an application access policy that includes "
        "this mailbox"
    )
    return MailboxUnavailable(line) if permission == READ else MailError(line)
