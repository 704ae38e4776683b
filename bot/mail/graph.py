"""Microsoft Graph: the mail provider for Exchange Online mailboxes.

`Mailbox.locator` is the mailbox's SMTP address, used as the user id in
`/users/{id}/…`. Each folder (Inbox, Sent Items) is synced with a delta query:
- A first sync asks for the messages received since `since`
  (`$filter=receivedDateTime ge …`, with the `$select` and `$expand` of
  `graph_items.py`) and counts them first, for progress; later passes follow the
  stored link exactly as Graph gave it, since the query is encoded inside.
- The page state (`SyncPage.state`) is a small JSON object holding the link to
  follow next: a nextLink while a pass is under way (a pass resumed from it goes
  on where it stopped), the deltaLink once a pass is complete. An idle pass is
  one request per folder and downloads no message.
- An expired link (410) starts the folder over from `since`, once per pass;
  messages seen before come again and ingest, which upserts by Message-ID, does
  not count them twice. A link on another host than `GRAPH_URL` (the settings
  changed) also starts over, so that the token never goes elsewhere.
- Removals (`@removed`) and drafts are skipped: a thread whose mail was deleted
  stays as it was, which is what the user asked the bot to watch.
Replies and forwards are in `graph_send.py`; the HTTP details in `graph_client.py`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.core.mail import Address, Folder, Mail, Outgoing
from bot.core.ports import Mailbox, MailError, SyncPage
from bot.mail import graph_items, graph_send
from bot.mail.graph_client import GraphClient, SyncGone

PAGE_SIZE = 100  # messages per delta page (Graph's default is 10)
SEARCH = "User.Read.All"  # the optional permission `resolve` needs

log = logging.getLogger("bot.mail.graph")


@dataclass(frozen=True, slots=True)
class DeltaState:
    """Where a folder's sync stands: the link to follow, and the progress of the pass."""

    link: str
    seen: int = 0
    total: int | None = None

    @classmethod
    def load(cls, text: str | None) -> DeltaState | None:
        if not text:
            return None
        try:
            data = json.loads(text)
            return cls(str(data["link"]), int(data.get("seen", 0)), data.get("total"))
        except (ValueError, KeyError, TypeError):
            log.warning("unreadable Graph sync state: syncing the folder from the start")
            return None

    def dump(self) -> str:
        data: dict[str, Any] = {"v": 1, "link": self.link}
        if self.seen or self.total is not None:
            data.update(seen=self.seen, total=self.total)
        return json.dumps(data, separators=(",", ":"))


class GraphProvider:
    kind = "graph"

    def __init__(self, client: GraphClient, page_size: int = PAGE_SIZE) -> None:
        self._client, self._page_size = client, page_size

    def sync(
        self, mailbox: Mailbox, folder: Folder, state: str | None, since: datetime
    ) -> Iterator[SyncPage]:
        """Changed messages of `folder` in pages; see the module docstring for the state."""
        return _Pass(self._client, mailbox.locator, folder, since, self._page_size).pages(
            DeltaState.load(state)
        )

    def reply(self, mailbox: Mailbox, original: str, message: Outgoing) -> None:
        graph_send.send(self._client, mailbox.locator, original, message, graph_send.REPLY)

    def forward(self, mailbox: Mailbox, original: str, message: Outgoing) -> None:
        graph_send.send(self._client, mailbox.locator, original, message, graph_send.FORWARD)

    def resolve(self, mailbox: Mailbox, name: str) -> Address | None:
        """The one person of the directory whose name has a word starting with `name`.

        Needs the optional permission User.Read.All; without it (or with no single
        match) the answer is None and a forward needs an address or an alias.
        """
        wanted = " ".join(name.replace('"', " ").replace("\\", " ").split())
        if not wanted:
            return None
        try:
            found = self._client.get(
                mailbox.locator,
                f"{self._client.base}/users",
                params={
                    "$search": f'"displayName:{wanted}"',
                    "$select": "displayName,mail",
                    "$top": "5",
                },
                headers={"ConsistencyLevel": "eventual"},  # $search on users needs it
                permission=SEARCH,
            )
        except MailError as error:
            log.info("no directory look-up for %r: %s", wanted, error)
            return None
        people = [p for p in found.get("value", []) if p.get("mail")]
        return (
            Address(people[0]["mail"], people[0].get("displayName") or "")
            if len(people) == 1
            else None
        )


class _Pass:
    """One sync pass over one folder of one mailbox."""

    def __init__(
        self, client: GraphClient, user: str, folder: Folder, since: datetime, page_size: int
    ) -> None:
        self.client, self.user, self.folder, self.since = client, user, folder, since
        self.prefer = (f"odata.maxpagesize={page_size}",)

    def pages(self, state: DeltaState | None) -> Iterator[SyncPage]:
        if state is not None and not self.client.owns(state.link):
            log.warning(
                "%s %s: stored link is not on the Graph host: starting over", self.user, self.folder
            )
            state = None
        try:
            yield from self._round(state)
        except SyncGone as gone:
            if state is None:
                raise  # a fresh round expired at once: not a stale link, report it
            log.info(
                "%s %s: %s; syncing again from %s", self.user, self.folder, gone, self.since.date()
            )
            yield from self._round(None)

    def _round(self, state: DeltaState | None) -> Iterator[SyncPage]:
        if state is None:
            state = DeltaState("", 0, self._count())
        link: str | None = state.link or self._start()
        params = None if state.link else self._query()
        seen = state.seen
        while link is not None:
            data = self.client.get(self.user, link, params=params, prefer=self.prefer)
            page, link = self._page(data, seen, state.total)
            seen, params = page.seen, None
            yield page

    def _page(
        self, data: dict[str, Any], seen: int, total: int | None
    ) -> tuple[SyncPage, str | None]:
        """A delta page as a SyncPage, and the link to follow next (None after the deltaLink)."""
        entries = list(data.get("value") or [])
        mails, skipped = self._mails(entries)
        seen += len(entries)
        shown = max(total, seen) if total is not None else None
        first = total is not None  # only a first pass is counted (a resumed one keeps it)
        if next_link := data.get("@odata.nextLink"):
            state = DeltaState(str(next_link), seen, total)
            page = SyncPage(self.folder, mails, state.dump(), skipped, seen, shown, first)
            return page, str(next_link)
        if delta_link := data.get("@odata.deltaLink"):
            state = DeltaState(str(delta_link))
            return SyncPage(self.folder, mails, state.dump(), skipped, seen, shown, first), None
        raise MailError(f"Graph gave {self.user} a delta page with no next or delta link")

    def _start(self) -> str:
        return self.client.url(
            self.user, f"mailFolders/{graph_items.FOLDER_IDS[self.folder]}/messages/delta"
        )

    def _query(self) -> dict[str, str]:
        return {
            "$select": graph_items.select(self.folder),
            "$expand": graph_items.EXPAND,
            "$filter": f"receivedDateTime ge {_instant(self.since)}",
        }

    def _count(self) -> int | None:
        """How many messages a first pass will bring, for progress (one small request)."""
        folder = graph_items.FOLDER_IDS[self.folder]
        found = self.client.get(
            self.user,
            self.client.url(self.user, f"mailFolders/{folder}/messages"),
            params={
                "$filter": f"receivedDateTime ge {_instant(self.since)}",
                "$count": "true",
                "$top": "1",
                "$select": "id",
            },
        )
        count = found.get("@odata.count")
        return int(count) if isinstance(count, int) else None

    def _mails(self, entries: list[dict[str, Any]]) -> tuple[list[Mail], int]:
        mails, skipped = [], 0
        for entry in entries:
            try:
                mail = graph_items.to_mail_or_none(self.folder, entry)
            except (ValueError, KeyError, TypeError, AttributeError) as error:
                # One odd message must not stop the pass; its id, never its content, is logged.
                log.warning("skipped Graph message %s: %s", entry.get("id"), type(error).__name__)
                skipped += 1
                continue
            if mail is not None:
                mails.append(mail)
        return mails, skipped


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
