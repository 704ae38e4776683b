"""exchangelib's EWS services as the Exchange provider calls them, with three fixes.

Used by `exchange_sync.py` (SyncFolderItems, GetItem) and `exchange.py`
(ResolveNames). Each fix is for exchangelib 5.6:
- Speed: a SOAP answer is parsed from `response.iter_content()`, whose chunk is one
  byte by default (requests' documented default), so lxml is fed one Python call
  per byte: for a GetItem of 100 messages that was two thirds of a sync's CPU. The
  answer is already in memory (nothing here streams): it is fed in 64 KiB slices.
- SyncFolderItems reads SyncState and IncludesLastItemInRange before it looks at
  ResponseClass; both are optional in the schema (SyncFolderItemsResponseMessageType),
  and an error answer without them would come out as AttributeError instead of the
  EWS error (ErrorInvalidSyncStateData among others).
- Speed again: for every change SyncFolderItems reports, exchangelib builds a whole
  `Message`, looking up each of its seventy fields; a sync needs the change's kind,
  item type, id, change key and received time only, read here as a `Change`.
- ResolveNames is a protocol service, which exchangelib sends without the
  ExchangeImpersonation header; app-only OAuth2 needs that header on every call.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from exchangelib import IMPERSONATION
from exchangelib.services import GetItem, ResolveNames, SyncFolderItems
from exchangelib.services.common import EWSAccountService
from exchangelib.util import TNS

SLICE = 64 * 1024  # bytes handed to the XML parser at a time


class _Sliced:
    """A response whose `iter_content()` gives large slices instead of single bytes."""

    def __init__(self, response: Any) -> None:
        self.response = response

    def iter_content(self) -> Iterator[bytes]:
        chunks: Iterator[bytes] = self.response.iter_content(chunk_size=SLICE)
        return chunks


class _WholeAnswer:
    @classmethod
    def _get_soap_parts(cls, response: Any) -> Any:
        return super()._get_soap_parts(_Sliced(response))  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class Change:
    """One change SyncFolderItems reported: "create", "update", "delete", "read_flag_change"."""

    kind: str
    item_type: str = ""  # "Message", "MeetingRequest", … (the element's name)
    id: str = ""
    changekey: str = ""
    received: datetime | None = None


class SyncItems(_WholeAnswer, SyncFolderItems):  # type: ignore[misc]
    def _get_element_container(self, message: Any, name: Any = None) -> Any:
        if message.get("ResponseClass") != "Success":
            return EWSAccountService._get_element_container(self, message, name)
        return super()._get_element_container(message, name)

    def _elem_to_obj(self, elem: Any) -> Change:
        kind = self.change_types_map[elem.tag]
        if kind in (self.DELETE, self.READ_FLAG_CHANGE):
            return Change(kind)
        item = elem[0]
        ids = item.find(f"{{{TNS}}}ItemId")
        received = item.findtext(f"{{{TNS}}}DateTimeReceived")
        return Change(
            kind,
            item.tag.rpartition("}")[2],
            ids.get("Id", "") if ids is not None else "",
            ids.get("ChangeKey", "") if ids is not None else "",
            datetime.fromisoformat(received) if received else None,
        )


class GetItems(_WholeAnswer, GetItem):  # type: ignore[misc]
    pass


class ResolveAs(_WholeAnswer, ResolveNames):  # type: ignore[misc]
    """ResolveNames as the mailbox `account` (impersonated when the account is)."""

    def __init__(self, account: Any) -> None:
        super().__init__(protocol=account.protocol)
        self.mailbox = account

    @property
    def _account_to_impersonate(self) -> Any:
        if self.mailbox.access_type == IMPERSONATION:
            return self.mailbox.identity
        return super()._account_to_impersonate
