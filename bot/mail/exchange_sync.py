"""One sync pass over one Exchange folder: SyncFolderItems batches → GetItem → SyncPages.

Called by `ExchangeProvider.sync` for Inbox and Sent Items. Each SyncFolderItems
call returns at most 500 changes (EWS allows 512) with the server's SyncState after them; that
batch becomes one `SyncPage` carrying that state, so the state ingest stores
with a page covers exactly the page's changes and everything before. (exchangelib's
`folder.sync_items` only sets the new state once its generator is exhausted, which
would leave nothing safe to store mid-pass: INTEGRATIONS.md, "Exchange".)

SyncFolderItems cannot return bodies or attachments (EWS docs, "SyncFolderItems
operation"): it is asked for ids and received times only, and GetItem then fetches
the fields ingest needs for the changed messages, 100 a call. An unchanged folder
costs one small SyncFolderItems and no GetItem. Read-flag changes and deletions
are not fetched (ingest does not track them); meeting items and other non-mail
are counted as seen and left out.

A first sync (no state) skips what arrived before `since` without fetching it,
and learns the folder's item count (one GetFolder) for progress; the pages in
between carry `first` so that a pass resumed after a crash still skips old mail.
When Exchange no longer knows a state (ErrorInvalidSyncStateData), the pass starts
over as a first sync; ingest recognizes by Message-ID what it already has.

The state string:
  {"v": 1, "ews": SyncState | null, "first": bool, "version": "15.1.2507.6/Exchange2013"}.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from exchangelib.errors import ErrorInvalidSyncStateData, ErrorItemNotFound
from exchangelib.fields import FieldPath
from exchangelib.items import ID_ONLY
from exchangelib.services import GetFolder

from bot.core.mail import Folder, Mail
from bot.core.ports import SyncPage
from bot.mail.exchange_faults import Patience
from bot.mail.exchange_items import FIELDS, SYNC_FIELDS, server_item
from bot.mail.exchange_services import Change, GetItems, SyncItems
from bot.mail.normalize import to_mail

SYNC_BATCH = 500  # changes per SyncFolderItems call (EWS allows up to 512): five GetItems
GET_BATCH = 100  # items per GetItem call (exchangelib's default chunk)
_FETCHED = ("create", "update")  # SyncFolderItems change types worth a GetItem

log = logging.getLogger("bot.mail.exchange")


@dataclass(frozen=True, slots=True)
class SyncState:
    ews: str | None = None  # Exchange's SyncState; None: the folder from the start
    first: bool = True  # a first sync in progress: mail before `since` is skipped
    version: str | None = None  # the server version, so that a restart needs no probe

    @classmethod
    def load(cls, text: str | None) -> SyncState:
        if not text:
            return cls()
        try:
            data = json.loads(text)
            return cls(data["ews"], bool(data["first"]), data.get("version"))
        except (ValueError, KeyError, TypeError):
            log.warning("unreadable Exchange sync state: syncing the folder from the start")
            return cls()

    def dump(self) -> str:
        data = {"v": 1, "ews": self.ews, "first": self.first, "version": self.version}
        return json.dumps(data, separators=(",", ":"), sort_keys=True)


@dataclass(frozen=True, slots=True)
class _Batch:
    changes: list[Change]
    state: str
    last: bool  # IncludesLastItemInRange: nothing more to fetch for now


class SyncPass:
    """The pages of one folder since a saved state."""

    def __init__(
        self,
        folder: Any,
        kind: Folder,
        since: datetime,
        patience: Patience,
        version: Callable[[], str | None],
    ) -> None:
        self.folder, self.kind, self.since = folder, kind, since
        self.patience, self.version = patience, version
        self.account = folder.account
        self.restarted = False

    def pages(self, saved: SyncState) -> Iterator[SyncPage]:
        state, seen = saved, 0
        total = self._total() if state.ews is None else None
        while True:
            batch = self._batch(state.ews)
            if batch is None:  # Exchange forgot the state: once per pass, start over
                state, seen, total = SyncState(), 0, self._total()
                continue
            first = state.first
            mails, skipped = self._read(batch.changes, first)
            seen += len(batch.changes)
            done = batch.last or batch.state == state.ews
            state = SyncState(batch.state, first and not done, self.version())
            shown = None if total is None else max(total, seen)
            yield SyncPage(self.kind, mails, state.dump(), skipped, seen, shown, first)
            if done:
                return

    def _batch(self, ews_state: str | None) -> _Batch | None:
        service = SyncItems(account=self.account)
        fields = {f for f in self.folder.normalize_fields(SYNC_FIELDS) if not f.field.is_attribute}

        def call() -> list[Change]:
            return list(
                service.call(self.folder, ID_ONLY, fields, ews_state, None, SYNC_BATCH, None)
            )

        try:
            changes = self.patience.call(f"syncing {self.kind}", call)
        except ErrorInvalidSyncStateData:
            if self.restarted or ews_state is None:
                raise
            self.restarted = True
            log.warning("%s %s: Exchange forgot the sync state; syncing the folder again",
                        self.account.primary_smtp_address, self.kind)  # fmt: skip
            return None
        return _Batch(changes, service.sync_state, bool(service.includes_last_item_in_range))

    def _read(self, changes: Iterable[Change], first: bool) -> tuple[list[Mail], int]:
        wanted = [change for change in changes if self._wanted(change, first)]
        mails, skipped = [], 0
        for start in range(0, len(wanted), GET_BATCH):
            for found in self._fetch(wanted[start : start + GET_BATCH]):
                mail = self._mail(found)
                mails += [mail] if mail is not None else []
                skipped += mail is None and not isinstance(found, ErrorItemNotFound)
        return mails, skipped

    def _wanted(self, change: Change, first: bool) -> bool:
        if change.kind not in _FETCHED or change.item_type != "Message":
            return False  # meeting requests, reports and the like: not mail to answer
        received = change.received
        return not (first and received is not None and received < self.since)

    def _fetch(self, changes: list[Change]) -> list[Any]:
        ids = [(change.id, change.changekey) for change in changes]
        fields = {
            f for f in self.folder.normalize_fields(FIELDS[self.kind]) if not f.field.is_attribute
        }
        service = GetItems(account=self.account, chunk_size=GET_BATCH)
        return self.patience.call(
            f"reading {len(ids)} messages of {self.kind}",
            lambda: list(service.call(items=ids, additional_fields=fields, shape=ID_ONLY)),
        )

    def _mail(self, found: Any) -> Mail | None:
        """A fetched item as Mail; None when gone or unreadable (logged, never its content)."""
        if isinstance(found, ErrorItemNotFound):
            return None  # moved or deleted since the sync: its move comes as a change of its own
        if isinstance(found, Exception):
            log.warning("skipped an Exchange item of %s: %s", self.kind, type(found).__name__)
            return None
        try:
            return to_mail(server_item(found, self.kind))
        except Exception as error:  # one odd item must not stop the pass
            log.warning("skipped Exchange item %s: %s", found.id, type(error).__name__)
            return None

    def _total(self) -> int | None:
        """How many items the folder holds (progress of a first sync); None when unknown."""
        field = FieldPath(field=self.folder.get_field_by_fieldname("total_count"))
        service = GetFolder(account=self.account)
        found = self.patience.call(
            f"counting {self.kind}", lambda: list(service.call([self.folder], {field}, ID_ONLY))
        )
        count = getattr(found[0], "total_count", None) if found else None
        return count if isinstance(count, int) else None
