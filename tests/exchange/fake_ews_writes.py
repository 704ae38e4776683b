"""The fake EWS server's writing operations: CreateItem, UpdateItem, SendItem, DeleteItem.

CreateItem takes a Message or a response object (ReplyToItem, ReplyAllToItem,
ForwardItem) with MessageDisposition SaveOnly (a draft in Drafts or the folder
named), SendOnly or SendAndSaveCopy (sent; the copy in Sent Items or the folder
named). UpdateItem sets the Subject or an extended property (SetItemField);
SendItem sends a draft. Replies and forwards are composed by the store, the way
Exchange does it.
"""

from __future__ import annotations

from xml.etree import ElementTree

from tests.exchange import fake_ews_xml as x
from tests.exchange.fake_ews_ops import Context, Fault
from tests.exchange.fake_ews_store import Item

Element = ElementTree.Element
NOT_FOUND = "The specified object was not found in the store."


def create_item(request: Element, context: Context) -> bytes:
    disposition = request.get("MessageDisposition", "SaveOnly")
    target = x.find(request, "m:SavedItemFolderId")
    saved = context.folder(target)[1] if target is not None else None
    messages = []
    for element in x.children(request, "m:Items"):
        draft = _compose(element, context, saved if disposition == "SaveOnly" else "drafts")
        if draft is None:
            messages.append(
                x.error(
                    "CreateItem",
                    "ErrorItemNotFound",
                    "The specified object was not found in the store.",
                    inner="<m:Items/>",
                )
            )
        elif disposition == "SaveOnly":
            messages.append(
                x.ok("CreateItem", f"<m:Items><t:Message>{x.item_id(draft)}</t:Message></m:Items>")
            )
        else:
            context.store.send(
                draft, (saved or "sentitems") if disposition == "SendAndSaveCopy" else None
            )
            messages.append(x.ok("CreateItem", "<m:Items/>"))
    return x.response("CreateItem", messages)


def _compose(element: Element, context: Context, folder: str | None) -> Item | None:
    fields = {
        "subject": x.text(element, "t:Subject") or "",
        "body": x.text(element, "t:NewBodyContent") or x.text(element, "t:Body") or "",
        "to": x.people(x.find(element, "t:ToRecipients")),
        "cc": x.people(x.find(element, "t:CcRecipients")),
    }
    verb = x.tag(element)
    if verb == "Message":
        owner = context.mailbox(context.acting or "")
        return context.store.put(
            owner, folder or "drafts", sender=(context.store.names[owner], owner), **fields
        )
    original = context.item(x.find(element, "t:ReferenceItemId"))
    if original is None:
        return None
    return context.store.respond(verb, original, folder or "drafts", **fields)


def update_item(request: Element, context: Context) -> bytes:
    messages = []
    for change in x.children(request, "m:ItemChanges"):
        item = context.item(x.find(change, "t:ItemId"))
        if item is None:
            messages.append(
                x.error(
                    "UpdateItem",
                    "ErrorItemNotFound",
                    "The specified object was not found in the store.",
                    inner="<m:Items/>",
                )
            )
            continue
        for update in x.children(change, "t:Updates"):
            _apply(item, update)
        context.store.touch(item)
        messages.append(
            x.ok(
                "UpdateItem",
                f"<m:Items><t:Message>{x.item_id(item)}</t:Message></m:Items><m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>",
            )
        )
    return x.response("UpdateItem", messages)


def _apply(item: Item, update: Element) -> None:
    extended = x.find(update, "t:ExtendedFieldURI")
    if x.tag(update) == "SetItemField" and extended is not None:
        item.extended[x.extended_key(dict(extended.attrib))] = (
            x.text(update, "t:Message/t:ExtendedProperty/t:Value") or ""
        )
        return
    field = x.find(update, "t:FieldURI")
    if (
        x.tag(update) == "SetItemField"
        and field is not None
        and field.get("FieldURI") == "item:Subject"
    ):
        item.subject = x.text(update, "t:Message/t:Subject") or ""
        return
    raise Fault(
        "ErrorInvalidPropertySet", "The fake supports setting Subject and extended properties."
    )


def send_item(request: Element, context: Context) -> bytes:
    target = x.find(request, "m:SavedItemFolderId")
    saved = context.folder(target)[1] if target is not None else None
    messages = []
    for element in x.children(request, "m:ItemIds"):
        draft = context.item(element)
        if draft is None or draft.folder != "drafts":
            messages.append(
                x.error(
                    "SendItem",
                    "ErrorItemNotFound",
                    "The specified object was not found in the store.",
                )
            )
            continue
        context.store.send(draft, saved)
        messages.append(x.ok("SendItem"))
    return x.response("SendItem", messages)


def delete_item(request: Element, context: Context) -> bytes:
    messages = []
    for element in x.children(request, "m:ItemIds"):
        item = context.item(element)
        if item is not None:
            context.store.remove(item)
        messages.append(
            x.ok("DeleteItem")
            if item
            else x.error(
                "DeleteItem",
                "ErrorItemNotFound",
                "The specified object was not found in the store.",
            )
        )
    return x.response("DeleteItem", messages)


WRITES = {
    "CreateItem": create_item,
    "UpdateItem": update_item,
    "SendItem": send_item,
    "DeleteItem": delete_item,
}
