"""Exchange Server through EWS (exchangelib): the `exchange` mail provider.

The same port as `maildir.py`, for a mailbox on Exchange Server (on-premises;
Exchange Online is the Graph provider's, EWS there is being switched off).
`Mailbox.locator` is the SMTP address; one service account reaches every
mailbox, by impersonation (the usual set-up: the ApplicationImpersonation role)
or as a delegate. `Mail.provider_id` is the EWS ItemId.

The work is split by step:
  exchange_connect.py  settings → one exchangelib Configuration, Accounts, folders
  exchange_sync.py     SyncFolderItems batches → GetItem → SyncPages with their state
  exchange_items.py    which fields are fetched, and an item → ServerItem
  exchange_send.py     the holding reply and the forward, at most once
  exchange_faults.py   back-off on throttling, one-line errors
  exchange_services.py exchangelib's services with the fixes this provider needs
Requests per mailbox are one at a time: Exchange throttles per user, and the
mailboxes themselves are synced a few at once by `ingest.sync_all`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from exchangelib.properties import Mailbox as EwsMailbox

from bot.core.mail import Address, Folder, Outgoing
from bot.core.ports import Mailbox, SyncPage
from bot.mail.exchange_connect import Connector, EwsConfig, folder
from bot.mail.exchange_faults import Patience, Where, translated
from bot.mail.exchange_items import register_properties
from bot.mail.exchange_send import send_once
from bot.mail.exchange_services import ResolveAs
from bot.mail.exchange_sync import SyncPass, SyncState

__all__ = ["EwsConfig", "ExchangeProvider"]


class ExchangeProvider:
    kind = "exchange"

    def __init__(
        self,
        config: EwsConfig,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        register_properties()
        self.connector = Connector(config)
        self.patience = Patience(config.max_wait, sleep, rng)

    def sync(
        self, mailbox: Mailbox, folder_: Folder, state: str | None, since: datetime
    ) -> Iterator[SyncPage]:
        """Changes of Inbox or Sent Items since `state`; see `exchange_sync.py`."""
        saved = SyncState.load(state)
        with self._translated(mailbox):
            account = self.connector.account(mailbox.locator, saved.version)
            box = folder(account, folder_)
            sync = SyncPass(
                box, folder_, since, self.patience, lambda: self.connector.learn(account)
            )
            yield from sync.pages(saved)

    def reply(self, mailbox: Mailbox, original: str, message: Outgoing) -> None:
        self._send(mailbox, original, message, "reply")

    def forward(self, mailbox: Mailbox, original: str, message: Outgoing) -> None:
        self._send(mailbox, original, message, "forward")

    def resolve(self, mailbox: Mailbox, name: str) -> Address | None:
        """The one person the directory knows by `name`; None for nobody or several."""
        with self._translated(mailbox):
            account = self.connector.account(mailbox.locator, self.connector.version)
            service = ResolveAs(account)
            found = self.patience.call("looking up a name", lambda: list(service.call([name])))
            self.connector.learn(account)
        return _one(found, name)

    def _send(self, mailbox: Mailbox, original: str, message: Outgoing, kind: str) -> None:
        with self._translated(mailbox):
            account = self.connector.account(mailbox.locator, self.connector.version)
            send_once(account, self.patience, original, message, kind)
            self.connector.learn(account)

    def _translated(self, mailbox: Mailbox) -> Any:
        config = self.connector.config
        account = config.username or config.client_id or "the service account"
        return translated(Where(mailbox.locator, config.where, account))


def _one(found: list[Any], name: str) -> Address | None:
    """ErrorNameResolutionNoResults comes back inside the list, not raised (INTEGRATIONS.md)."""
    people = [m for m in found if isinstance(m, EwsMailbox) and "@" in (m.email_address or "")]
    exact = [m for m in people if (m.name or "").casefold() == name.casefold()]
    chosen = exact if len(exact) == 1 else people
    if len(chosen) != 1:
        return None
    return Address(chosen[0].email_address, chosen[0].name or "")
