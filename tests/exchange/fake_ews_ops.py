"""The fake EWS server's reading operations, and what every operation is given.

Each operation takes the request element (the first child of soap:Body) and the
`Context` of the caller, and returns the response envelope; `Fault` makes the
server answer with a SOAP fault instead. Here: ConvertId (exchangelib's version
probe, should a client send one), GetFolder, SyncFolderItems, GetItem, FindItem
(IsEqualTo restrictions), ResolveNames; the writing ones are in
`fake_ews_writes.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.etree import ElementTree

from tests.exchange import fake_ews_xml as x
from tests.exchange.fake_ews_store import FOLDERS, InvalidSyncState, Item, Person, Store

Element = ElementTree.Element


class Fault(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


class Context:
    """Who asks: the mailbox acted as (impersonated, or named in a folder id), and the directory."""

    def __init__(self, store: Store, acting: str | None, directory: list[Person]) -> None:
        self.store, self.acting, self.directory = store, acting, directory

    def folder(self, element: Element | None) -> tuple[str, str]:
        """(mailbox, folder name) of a DistinguishedFolderId."""
        distinguished = x.find(element, "t:DistinguishedFolderId")
        if distinguished is None or distinguished.get("Id") not in FOLDERS:
            raise Fault(
                "ErrorFolderNotFound", "The specified folder could not be found in the store."
            )
        owner = (x.text(distinguished, "t:Mailbox/t:EmailAddress") or self.acting or "").lower()
        return self.mailbox(owner), distinguished.get("Id", "")

    def mailbox(self, email: str) -> str:
        if email not in self.store.names:
            raise Fault(
                "ErrorNonExistentMailbox", "The SMTP address has no mailbox associated with it."
            )
        return email

    def item(self, element: Element | None) -> Item | None:
        """The item an ItemId names, if it exists and the caller may see it."""
        found = self.store.items.get(element.get("Id", "") if element is not None else "")
        if found is None or (self.acting and found.mailbox != self.acting):
            return None
        return found


def convert_id(request: Element, context: Context) -> bytes:
    return x.response(
        "ConvertId",
        [x.error("ConvertId", "ErrorInvalidSmtpAddress", "The SMTP address format is invalid.")],
    )


def get_folder(request: Element, context: Context) -> bytes:
    messages = []
    for folder_id in x.children(request, "m:FolderIds"):
        mailbox, name = context.folder(_wrapped(folder_id))
        count = sum(
            1 for i in context.store.items.values() if (i.mailbox, i.folder) == (mailbox, name)
        )
        messages.append(
            x.ok("GetFolder", f"<m:Folders>{_folder(mailbox, name, count)}</m:Folders>")
        )
    return x.response("GetFolder", messages)


def _wrapped(element: Element) -> Element:
    holder = Element("holder")
    holder.append(element)
    return holder


def _folder(mailbox: str, name: str, count: int) -> str:
    rights = "".join(
        f"<t:{r}>true</t:{r}>"
        for r in (
            "CreateAssociated",
            "CreateContents",
            "CreateHierarchy",
            "Delete",
            "Modify",
            "Read",
        )
    )
    return (
        f'<t:Folder><t:FolderId Id="F:{mailbox}:{name}" ChangeKey="AQAAAA=="/>'
        f"<t:FolderClass>IPF.Note</t:FolderClass><t:DisplayName>{name}</t:DisplayName>"
        f"<t:TotalCount>{count}</t:TotalCount><t:ChildFolderCount>0</t:ChildFolderCount>"
        f"<t:EffectiveRights>{rights}</t:EffectiveRights><t:UnreadCount>0</t:UnreadCount></t:Folder>"
    )


def sync_folder_items(request: Element, context: Context) -> bytes:
    mailbox, name = context.folder(x.find(request, "m:SyncFolderId"))
    fields, extended = x.shape(request, "ItemShape")
    if fields & x.NOT_IN_VIEWS:
        return x.response(
            "SyncFolderItems",
            [
                x.error(
                    "SyncFolderItems",
                    "ErrorInvalidPropertyRequest",
                    "The property can't be used in SyncFolderItems.",
                )
            ],
        )
    limit = int(x.text(request, "m:MaxChangesReturned") or "100")
    try:
        changes, state, last = context.store.sync(
            mailbox, name, x.text(request, "m:SyncState"), min(limit, 512)
        )
    except InvalidSyncState:
        return x.response(
            "SyncFolderItems",
            [
                x.error(
                    "SyncFolderItems",
                    "ErrorInvalidSyncStateData",
                    "Synchronization state data is corrupt or otherwise invalid.",
                )
            ],
        )
    body = "".join(
        _change(context.store, kind, item_id, fields, extended) for kind, item_id in changes
    )
    inner = (
        f"<m:SyncState>{state}</m:SyncState>"
        f"<m:IncludesLastItemInRange>{str(last).lower()}</m:IncludesLastItemInRange>"
        f"<m:Changes>{body}</m:Changes>"
    )
    return x.response("SyncFolderItems", [x.ok("SyncFolderItems", inner)])


def _change(
    store: Store, kind: str, item_id: str, fields: set[str], extended: list[dict[str, str]]
) -> str:
    item = store.items.get(item_id)
    if kind == "delete" or item is None:
        return f'<t:Delete><t:ItemId Id="{item_id}" ChangeKey="CQAAAA=="/></t:Delete>'
    if kind == "read":
        read = f"<t:IsRead>{str(item.is_read).lower()}</t:IsRead>"
        return f"<t:ReadFlagChange>{x.item_id(item)}{read}</t:ReadFlagChange>"
    element = "Create" if kind == "create" else "Update"
    return f"<t:{element}>{x.message(item, fields, extended)}</t:{element}>"


def get_item(request: Element, context: Context) -> bytes:
    fields, extended = x.shape(request, "ItemShape")
    messages = []
    for element in x.children(request, "m:ItemIds"):
        item = context.item(element)
        if item is None:
            messages.append(
                x.error(
                    "GetItem",
                    "ErrorItemNotFound",
                    "The specified object was not found in the store.",
                    inner="<m:Items/>",
                )
            )
        else:
            messages.append(
                x.ok("GetItem", f"<m:Items>{x.message(item, fields, extended)}</m:Items>")
            )
    return x.response("GetItem", messages)


def find_item(request: Element, context: Context) -> bytes:
    fields, extended = x.shape(request, "ItemShape")
    if fields & x.NOT_IN_VIEWS:
        return x.response(
            "FindItem",
            [
                x.error(
                    "FindItem",
                    "ErrorInvalidPropertyRequest",
                    "The property can't be used in FindItem.",
                )
            ],
        )
    matches = _restriction(x.find(request, "m:Restriction/t:IsEqualTo"))
    messages = []
    for folder_id in x.children(request, "m:ParentFolderIds"):
        mailbox, name = context.folder(_wrapped(folder_id))
        found = [
            i
            for i in context.store.items.values()
            if (i.mailbox, i.folder) == (mailbox, name) and matches(i)
        ]
        items = "".join(x.message(i, fields, extended) for i in found)
        root = (
            f'<m:RootFolder IndexedPagingOffset="{len(found)}" TotalItemsInView="{len(found)}" '
            f'IncludesLastItemInRange="true"><t:Items>{items}</t:Items></m:RootFolder>'
        )
        messages.append(x.ok("FindItem", root))
    return x.response("FindItem", messages)


def _restriction(equal: Element | None) -> Callable[[Item], bool]:
    if equal is None:
        return lambda item: True
    wanted = x.find(equal, "t:FieldURIOrConstant/t:Constant")
    value = wanted.get("Value", "") if wanted is not None else ""
    extended = x.find(equal, "t:ExtendedFieldURI")
    if extended is not None:
        key = x.extended_key(dict(extended.attrib))
        return lambda item: item.extended.get(key) == value
    field = x.find(equal, "t:FieldURI")
    if field is not None and field.get("FieldURI") == "item:Subject":
        return lambda item: item.subject == value
    raise Fault(
        "ErrorInvalidRestriction", "The fake supports IsEqualTo on Subject and extended properties."
    )


def resolve_names(request: Element, context: Context) -> bytes:
    wanted = (x.text(request, "m:UnresolvedEntry") or "").casefold()
    found = [
        p
        for p in context.directory
        if any(
            w.startswith(wanted)
            for w in (p[0].casefold(), *p[0].casefold().split(), p[1].casefold())
        )
    ]
    rows = "".join(f"<t:Resolution>{x.mailbox(p)}</t:Resolution>" for p in found)
    resolution = (
        f'<m:ResolutionSet TotalItemsInView="{len(found)}" IncludesLastItemInRange="true">'
        f"{rows}</m:ResolutionSet>"
    )
    if not found:
        message = x.error("ResolveNames", "ErrorNameResolutionNoResults", "No results were found.")
    elif len(found) > 1:
        message = x.error(
            "ResolveNames",
            "ErrorNameResolutionMultipleResults",
            "Multiple results were found.",
            "Warning",
            resolution,
        )
    else:
        message = x.ok("ResolveNames", resolution)
    return x.response("ResolveNames", [message])


READS: dict[str, Callable[[Element, Context], bytes]] = {
    "ConvertId": convert_id,
    "GetFolder": get_folder,
    "SyncFolderItems": sync_folder_items,
    "GetItem": get_item,
    "FindItem": find_item,
    "ResolveNames": resolve_names,
}
