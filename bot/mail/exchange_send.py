"""Sending through Exchange: the holding reply and the forward, each at most once.

Called by `ExchangeProvider.reply` / `.forward` when a chat command sends mail.
A real reply (or forward) is Exchange's own ReplyToItem (ForwardItem): it threads
the message under the original (In-Reply-To, References, ConversationId), quotes
it, and marks the original as replied to. A response object cannot carry extended
properties (EWS schema: SmartResponseType restricts MessageType to the response
fields), so the `X-Replyminder` header is set the way the EWS Managed API's
`ResponseMessage.Save()` allows: CreateItem(SaveOnly) into Drafts, UpdateItem to
add the header, SendItem saving the copy in Sent Items. The header travels in
PS_INTERNET_HEADERS, so the copy in Sent Items carries it and ingest knows the
message as the bot's own.

At most once: the marker is the outbox key. Before anything is created, Sent
Items is searched for it (sent before a crash: nothing to do) and then Drafts
(created, not yet sent: send that draft). A failure after the draft exists but
before it is marked deletes the draft, so no unmarked copy is left to send.
"""

from __future__ import annotations

import logging
from typing import Any

from exchangelib import Account, Body, Message
from exchangelib.properties import ItemId
from exchangelib.properties import Mailbox as EwsMailbox

from bot.core.mail import Folder, Outgoing
from bot.core.ports import MailError
from bot.mail.exchange_connect import folder
from bot.mail.exchange_faults import Patience
from bot.mail.exchange_items import MARKER

log = logging.getLogger("bot.mail.exchange")


def send_once(
    account: Account, patience: Patience, original: str, message: Outgoing, kind: str
) -> None:
    """Reply to (kind "reply") or forward (kind "forward") the item `original`, once per marker."""
    sent, drafts = folder(account, "sentitems"), folder(account, "drafts")
    if _marked(patience, sent, message.marker):
        log.info("%s %s was already sent: not sending it again", kind, message.marker)
        return
    draft = _marked(patience, drafts, message.marker)
    if draft is None:
        draft = _draft(account, patience, original, message, kind)
    patience.call(f"sending the {kind}", lambda: draft.send(save_copy=True, copy_to_folder=sent))


def _marked(patience: Patience, where: Any, marker: str) -> Message | None:
    """The item of `where` that carries this marker, if any (one FindItem on the header).

    Ids only: with any other field exchangelib's QuerySet follows up with a GetItem that
    first looks up the mailbox's root folder."""
    query = where.filter(**{MARKER: marker}).only("id", "changekey")
    found = patience.call("looking for an earlier send", lambda: list(query))
    first = next((item for item in found if not isinstance(item, Exception)), None)
    if first is None:
        return None
    return Message(account=where.account, folder=where, id=first.id, changekey=first.changekey)


def _draft(
    account: Account, patience: Patience, original: str, message: Outgoing, kind: str
) -> Any:
    source = _original(account, patience, original)
    to = [EwsMailbox(email_address=a.email, name=a.name or None) for a in message.to]
    make = source.create_reply if kind == "reply" else source.create_forward
    response = make(message.subject, Body(message.body), to_recipients=to)
    drafts = folder(account, "drafts")
    created = patience.call(f"writing the {kind}", lambda: response.save(folder=drafts))
    draft = Message(account=account, folder=drafts, id=created.id, changekey=created.changekey)
    setattr(draft, MARKER, message.marker)
    try:
        patience.call(f"marking the {kind}", lambda: draft.save(update_fields=[MARKER]))
    except Exception:
        _discard(draft)
        raise
    return draft


def _original(account: Account, patience: Patience, original: str) -> Any:
    """The message replied to, with its current change key (it changes with every edit)."""
    inbox = folder(account, Folder.INBOX)  # validates the fields; no GetFolder for the root
    found = patience.call(
        "reading the original message",
        lambda: list(account.fetch([ItemId(id=original)], folder=inbox, only_fields=["subject"])),
    )
    item = found[0] if found else None
    if isinstance(item, Exception):
        raise item
    if not isinstance(item, Message):
        raise MailError("the message to answer is not an email in this mailbox")
    return item


def _discard(draft: Any) -> None:
    try:
        draft.delete()
    except Exception as error:  # best effort: an unmarked draft is never sent by the bot
        log.warning("could not delete an unmarked draft: %s", type(error).__name__)
