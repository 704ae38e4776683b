"""The fake EWS server's SOAP: reading requests, writing responses shaped like real ones.

Envelopes, response messages, faults and item elements follow the samples in
../shared/corpora: `ews-soap-msdocs-examples` (SyncFolderItemsResponse with
InternetMessageId, InReplyTo and ConversationId; GetItemResponse; CreateItem with
ForwardItem; SendItemResponse; ResolveNamesResponse), `ews-soap-exchangelib-test-payloads`
(the ErrorServerBusy fault with BackOffMilliseconds, ConvertId for the version
probe, ResolveNames warnings) and `ews-php-ews-recordings` (Exchange's headers).
Item properties come out in the schema's order and only when asked for, as a
real server's IdOnly + AdditionalProperties shape does. Values are XML-escaped
(a Message-ID's angle brackets included).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from xml.etree import ElementTree
from xml.sax.saxutils import escape, quoteattr

from tests.exchange.fake_ews_store import Attached, Item, Person

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
M = "http://schemas.microsoft.com/exchange/services/2006/messages"
T = "http://schemas.microsoft.com/exchange/services/2006/types"
NS = {"s": SOAP, "m": M, "t": T}
VERSION_INFO = (
    '<h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" '
    f'MinorBuildNumber="6" Version="V2017_07_11" xmlns:h="{T}" xmlns="{T}"/>'
)
BUILD = "15.1.2507.6"


def tag(element: ElementTree.Element) -> str:
    return element.tag.rpartition("}")[2]


def find(element: ElementTree.Element | None, path: str) -> ElementTree.Element | None:
    return None if element is None else element.find(path, NS)


def children(element: ElementTree.Element | None, path: str) -> list[ElementTree.Element]:
    found = find(element, path)
    return list(found) if found is not None else []


def text(element: ElementTree.Element | None, path: str) -> str | None:
    found = find(element, path)
    return found.text if found is not None else None


def when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def envelope(body: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<s:Envelope xmlns:s="{SOAP}"><s:Header>{VERSION_INFO}</s:Header>'
        f'<s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{body}</s:Body></s:Envelope>'
    ).encode()


def response(operation: str, messages: Iterable[str]) -> bytes:
    return envelope(
        f'<m:{operation}Response xmlns:m="{M}" xmlns:t="{T}"><m:ResponseMessages>'
        + "".join(messages)
        + f"</m:ResponseMessages></m:{operation}Response>"
    )


def ok(operation: str, inner: str = "") -> str:
    return (
        f'<m:{operation}ResponseMessage ResponseClass="Success">'
        f"<m:ResponseCode>NoError</m:ResponseCode>{inner}</m:{operation}ResponseMessage>"
    )


def error(operation: str, code: str, message: str, klass: str = "Error", inner: str = "") -> str:
    return (
        f'<m:{operation}ResponseMessage ResponseClass="{klass}">'
        f"<m:MessageText>{escape(message)}</m:MessageText><m:ResponseCode>{code}</m:ResponseCode>"
        f"<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>{inner}</m:{operation}ResponseMessage>"
    )


def fault(code: str, message: str, back_off_ms: int | None = None) -> bytes:
    """A SOAP fault (HTTP 500), e.g. ErrorServerBusy with its BackOffMilliseconds."""
    value = (
        f'<t:MessageXml xmlns:t="{T}"><t:Value Name="BackOffMilliseconds">{back_off_ms}</t:Value>'
        "</t:MessageXml>"
        if back_off_ms is not None
        else ""
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<s:Envelope xmlns:s="{SOAP}"><s:Body><s:Fault>'
        f'<faultcode xmlns:a="{T}">a:{code}</faultcode>'
        f'<faultstring xml:lang="en-US">{escape(message)}</faultstring><detail>'
        f'<e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">'
        f"{code}</e:ResponseCode>"
        f'<e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">'
        f"{escape(message)}</e:Message>{value}</detail></s:Fault></s:Body></s:Envelope>"
    ).encode()


def mailbox(person: Person) -> str:
    name, email = person
    return (
        f"<t:Mailbox><t:Name>{escape(name or email)}</t:Name>"
        f"<t:EmailAddress>{escape(email)}</t:EmailAddress>"
        "<t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox>"
    )


def item_id(item: Item) -> str:
    return f'<t:ItemId Id="{item.id}" ChangeKey="CQAAABYA{item.changekey:08d}"/>'


def message(item: Item, fields: set[str], extended: list[dict[str, str]]) -> str:
    """`<t:Message>` with the id and the requested properties, in the schema's order."""
    parts = [item_id(item)]
    for uri, render in _ITEM_FIELDS:
        if uri in fields:
            parts.append(render(item))
    parts += [_extended(item, uri) for uri in extended]
    for uri, render in _MESSAGE_FIELDS:
        if uri in fields:
            parts.append(render(item))
    kind = "MeetingRequest" if item.item_class.startswith("IPM.Schedule") else "Message"
    return f"<t:{kind}>" + "".join(p for p in parts if p) + f"</t:{kind}>"


def extended_key(uri: dict[str, str]) -> tuple[str, ...]:
    if "PropertyTag" in uri:
        return ("tag", uri["PropertyTag"].lower())
    return ("name", uri.get("DistinguishedPropertySetId", ""), uri["PropertyName"].lower())


def _extended(item: Item, uri: dict[str, str]) -> str:
    value = item.extended.get(extended_key(uri))
    if value is None:
        return ""
    attributes = " ".join(f"{name}={quoteattr(v)}" for name, v in uri.items())
    return (
        f"<t:ExtendedProperty><t:ExtendedFieldURI {attributes}/>"
        f"<t:Value>{escape(value)}</t:Value></t:ExtendedProperty>"
    )


def _body(item: Item) -> str:
    kind = "HTML" if item.html else "Text"
    return f'<t:Body BodyType="{kind}">{escape(item.body)}</t:Body>'


def _attachments(item: Item) -> str:
    if not item.attachments:
        return ""
    return (
        "<t:Attachments>"
        + "".join(_attachment(item, n, a) for n, a in enumerate(item.attachments))
        + "</t:Attachments>"
    )


def _attachment(item: Item, number: int, a: Attached) -> str:
    kind = "ItemAttachment" if a.item else "FileAttachment"
    content_id = f"<t:ContentId>{escape(a.content_id)}</t:ContentId>" if a.content_id else ""
    return (
        f'<t:{kind}><t:AttachmentId Id="{item.id}:{number}"/><t:Name>{escape(a.name)}</t:Name>'
        f"<t:ContentType>{escape(a.content_type)}</t:ContentType>{content_id}"
        f"<t:Size>{a.size}</t:Size><t:LastModifiedTime>{when(item.received)}</t:LastModifiedTime>"
        f"<t:IsInline>{str(a.inline).lower()}</t:IsInline></t:{kind}>"
    )


def _headers(item: Item) -> str:
    if not item.headers:
        return ""
    rows = "".join(
        f"<t:InternetMessageHeader HeaderName={quoteattr(n)}>{escape(v)}</t:InternetMessageHeader>"
        for n, v in item.headers
    )
    return f"<t:InternetMessageHeaders>{rows}</t:InternetMessageHeaders>"


def _people(element: str, people: list[Person]) -> str:
    if not people:
        return ""
    return f"<t:{element}>" + "".join(map(mailbox, people)) + f"</t:{element}>"


def _optional(element: str, value: str | None) -> str:
    return f"<t:{element}>{escape(value)}</t:{element}>" if value else ""


_ITEM_FIELDS = (
    ("item:ItemClass", lambda i: f"<t:ItemClass>{i.item_class}</t:ItemClass>"),
    ("item:Subject", lambda i: f"<t:Subject>{escape(i.subject)}</t:Subject>"),
    ("item:Body", _body),
    ("item:Attachments", _attachments),
    (
        "item:DateTimeReceived",
        lambda i: f"<t:DateTimeReceived>{when(i.received)}</t:DateTimeReceived>",
    ),
    ("item:Importance", lambda i: f"<t:Importance>{i.importance}</t:Importance>"),
    ("item:InReplyTo", lambda i: _optional("InReplyTo", i.in_reply_to)),
    ("item:InternetMessageHeaders", _headers),
    (
        "item:DateTimeSent",
        lambda i: f"<t:DateTimeSent>{when(i.sent)}</t:DateTimeSent>" if i.sent else "",
    ),
    ("item:ConversationId", lambda i: f'<t:ConversationId Id="{i.conversation_id}"/>'),
)
_MESSAGE_FIELDS = (
    ("message:Sender", lambda i: f"<t:Sender>{mailbox(i.sender)}</t:Sender>" if i.sender else ""),
    ("message:ToRecipients", lambda i: _people("ToRecipients", i.to)),
    ("message:CcRecipients", lambda i: _people("CcRecipients", i.cc)),
    ("message:From", lambda i: f"<t:From>{mailbox(i.sender)}</t:From>" if i.sender else ""),
    ("message:InternetMessageId", lambda i: _optional("InternetMessageId", i.message_id)),
    ("message:IsRead", lambda i: f"<t:IsRead>{str(i.is_read).lower()}</t:IsRead>"),
    ("message:References", lambda i: _optional("References", i.references)),
    ("message:ReplyTo", lambda i: _people("ReplyTo", i.reply_to)),
)
# What FindItem and SyncFolderItems cannot return (EWS docs, "SyncFolderItems operation":
# "similar to the FindItem operation in that it cannot return properties like Body or Attachments").
NOT_IN_VIEWS = {"item:Body", "item:Attachments", "item:InternetMessageHeaders", "item:MimeContent"}


def shape(request: ElementTree.Element, name: str) -> tuple[set[str], list[dict[str, str]]]:
    """The FieldURIs and ExtendedFieldURIs a request's ItemShape asks for."""
    additional = find(request, f"m:{name}/t:AdditionalProperties")
    if additional is None:
        return set(), []
    fields = {e.get("FieldURI", "") for e in additional.findall("t:FieldURI", NS)}
    extended = [dict(e.attrib) for e in additional.findall("t:ExtendedFieldURI", NS)]
    return fields, extended


def people(element: ElementTree.Element | None) -> list[Person]:
    if element is None:
        return []
    return [
        (text(m, "t:Name") or "", text(m, "t:EmailAddress") or "")
        for m in element.findall("t:Mailbox", NS)
    ]
