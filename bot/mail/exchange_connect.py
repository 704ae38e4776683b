"""Connecting to Exchange Server: the service account, the endpoint, the server version.

The first step of every EWS call the provider makes (`exchange.py`). One
`Configuration` per provider, so exchangelib keeps one `Protocol` (and one pool
of HTTP sessions) for every mailbox; an `Account` per mailbox is only a name
and an access type, built without a request. Pitfalls handled here, from
INTEGRATIONS.md "Exchange" (checked on exchangelib 5.6):
- With `EWS_URL` set there is no autodiscover; without a known `version`
  exchangelib would probe the server (a ConvertId) before the first real call.
  Instead the first call is marked Exchange2013, which every supported Exchange
  Server (2016, 2019, SE) accepts, and the server's answer names its build
  (ServerVersionInfo), which exchangelib keeps on the account; an older server
  answers ErrorInvalidServerVersion and exchangelib steps down by itself. The
  version learned so is kept for every later connection, and handed out as text
  so that the sync state carries it across restarts.
- Folders are addressed by their distinguished ids (inbox, sentitems, drafts)
  for the mailbox: `account.inbox` would first walk the folder tree (GetFolder).
- `EWS_CA_BUNDLE`: exchangelib's documented hook for a private CA is the HTTP
  adapter class, which is process-wide; the adapter here applies a bundle only
  to the origin it was registered for.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import requests
from exchangelib import (
    BASIC,
    DELEGATE,
    IMPERSONATION,
    NTLM,
    OAUTH2,
    Account,
    Build,
    Configuration,
    Credentials,
    OAuth2Credentials,
    Version,
)
from exchangelib.folders import Drafts, Inbox, Root, SentItems
from exchangelib.properties import DistinguishedFolderId, Mailbox
from exchangelib.protocol import BaseProtocol

from bot.core.mail import Folder
from bot.mail.exchange_faults import PolitePolicy

ASSUMED = "15.0.0.0/Exchange2013"  # until the server's first answer says better
AUTHS = {"ntlm": NTLM, "basic": BASIC, "oauth2": OAUTH2}
ACCESS = {"impersonation": IMPERSONATION, "delegate": DELEGATE}
FOLDERS = {Folder.INBOX: Inbox, Folder.SENT: SentItems}


@dataclass(frozen=True, slots=True)
class EwsConfig:
    """What the provider needs of the settings (the composition root fills it)."""

    url: str = ""  # the …/EWS/Exchange.asmx endpoint; empty: autodiscover per mailbox
    auth: str = "ntlm"
    username: str = ""
    password: str = field(default="", repr=False)
    access: str = "impersonation"
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    tenant_id: str = ""
    authority: str = "https://login.microsoftonline.com"
    ca_bundle: Path | None = None
    max_wait: float = 60.0  # seconds of back-off one call may take before the pass gives up
    connections: int = 4  # HTTP sessions kept open to the server (one per mailbox synced at once)

    @property
    def where(self) -> str:
        return self.url or "the autodiscovered EWS endpoint"


class _OAuth2(OAuth2Credentials):  # type: ignore[misc]
    """Client credentials whose token endpoint follows `EWS_AUTHORITY` (national clouds, tests)."""

    authority = "https://login.microsoftonline.com"

    @property
    def token_url(self) -> str:
        return f"{self.authority.rstrip('/')}/{self.tenant_id}/oauth2/v2.0/token"


class _TrustingAdapter(requests.adapters.HTTPAdapter):
    """Verifies a registered origin against its own CA bundle; every other host as usual."""

    bundles: ClassVar[dict[str, str]] = {}

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        bundle = self.bundles.get(_origin(request.url or "")) or self.bundles.get("*")
        if bundle and kwargs.get("verify", True) is not False:  # over REQUESTS_CA_BUNDLE too
            kwargs["verify"] = bundle
        return super().send(request, *args, **kwargs)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def trust(origin: str, bundle: Path) -> None:
    """Verify `origin` ("*": every EWS host) against `bundle` from now on."""
    _TrustingAdapter.bundles[origin if origin == "*" else _origin(origin)] = str(bundle)
    BaseProtocol.HTTP_ADAPTER_CLS = _TrustingAdapter


def untrust_all() -> None:
    """Forget every registered bundle (tests)."""
    _TrustingAdapter.bundles.clear()


class Connector:
    """Accounts and folders of one Exchange organisation, sharing one exchangelib Protocol."""

    def __init__(self, config: EwsConfig) -> None:
        self.config = config
        self._configuration: Configuration | None = None
        self._learned = False  # the configuration's version came from the server, not ASSUMED
        self._lock = threading.Lock()
        if config.ca_bundle is not None:
            trust(config.url or "*", config.ca_bundle)
            if config.auth == "oauth2":
                trust(config.authority, config.ca_bundle)

    def account(self, email: str, version: str | None = None) -> Account:
        """The mailbox `email` as the service account sees it; no request is made here."""
        configuration = self._shared(version)
        access = ACCESS[self.config.access]
        if not self.config.url:  # autodiscover (exchangelib caches what it finds per domain)
            return Account(email, config=configuration, autodiscover=True, access_type=access)
        return Account(email, config=configuration, autodiscover=False, access_type=access)

    @property
    def version(self) -> str | None:
        """The server version learned so far, as text ("15.1.2507.6/Exchange2013")."""
        if not self._learned or self._configuration is None:
            return None
        return _text(self._configuration.version)

    def learn(self, account: Account) -> str | None:
        """Keep the version the server named in its answers to `account` for every later call."""
        known = account.version
        if known is not None and known.build is not None and _text(known) != ASSUMED:
            with self._lock:
                account.protocol.config.version = known
                if self._configuration is not None:
                    self._configuration.version, self._learned = known, True
        return self.version

    def _shared(self, version: str | None) -> Configuration:
        saved = _version(version)
        with self._lock:
            if self._configuration is None:
                self._configuration = Configuration(
                    service_endpoint=self.config.url or None,
                    credentials=self._credentials(),
                    auth_type=AUTHS[self.config.auth],
                    version=saved or _version(ASSUMED),
                    retry_policy=PolitePolicy(),
                    max_connections=self.config.connections,
                )
                self._learned = saved is not None
            elif saved is not None and not self._learned:
                self._configuration.version, self._learned = saved, True
            return self._configuration

    def _credentials(self) -> Credentials | OAuth2Credentials:
        c = self.config
        if c.auth != "oauth2":
            return Credentials(c.username, c.password)
        credentials = _OAuth2(
            client_id=c.client_id, client_secret=c.client_secret, tenant_id=c.tenant_id
        )
        credentials.authority = c.authority
        return credentials


def _text(version: Version) -> str:
    build = version.build
    parts = (build.major_version, build.minor_version, build.major_build, build.minor_build)
    return ".".join(map(str, parts)) + "/" + str(version.api_version)


def _version(text: str | None) -> Version | None:
    """A version saved by `Connector.version`; None (probe the server) when unreadable."""
    if not text:
        return None
    build, _, api = text.partition("/")
    try:
        numbers = [int(part) for part in build.split(".")]
        return Version(build=Build(*numbers), api_version=api or None)
    except (TypeError, ValueError):
        return None


def folder(account: Account, name: str | Folder) -> Any:
    """A distinguished folder of the mailbox, addressed without asking the server for it."""
    cls = (
        FOLDERS[name]
        if isinstance(name, Folder)
        else {"drafts": Drafts, "sentitems": SentItems}[name]
    )
    owner = Mailbox(email_address=account.primary_smtp_address)
    root = Root(account=account, _distinguished_id=DistinguishedFolderId(id="root", mailbox=owner))
    return cls(
        root=root,
        _distinguished_id=DistinguishedFolderId(id=cls.DISTINGUISHED_FOLDER_ID, mailbox=owner),
    )
