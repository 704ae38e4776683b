"""Attachment names that warn by themselves: programs, macros, disguises, archives.

Used by `bot/core/risks.py`. Only the name, the declared type and the size are read;
attachment content is never opened. Each rule names why a file is dangerous (`why`),
which picks the sentence the user reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from bot.core.mail import Attachment

PROGRAM: Final = frozenset({
    "exe", "scr", "com", "pif", "msi", "msp", "cpl", "bat", "cmd", "js", "jse", "vbs", "vbe",
    "wsf", "wsh", "ps1", "psm1", "hta", "lnk", "jar", "reg", "dll", "application", "gadget",
    "appx", "msix", "apk", "sct", "chm", "url", "iqy", "slk", "inf", "scf", "vb",
    "xll", "one", "onepkg", "rdp", "msc", "settingcontent-ms", "library-ms", "website",
    "xbap", "appref-ms", "diagcab", "wsc",
})  # fmt: skip
# A web page as a file opens in the browser, off any site: the usual carrier of a fake
# sign-in form ("HTML smuggling"). Named in the warning about a stranger's attachments (a
# partner's booking confirmation or a signature's logo is no danger by itself).
WEB_PAGE: Final = frozenset({"html", "htm", "shtml", "xhtml", "svg", "mht", "mhtml"})
DISK_IMAGE: Final = frozenset({"iso", "img", "vhd", "vhdx"})
MACRO: Final = frozenset({
    "docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppam", "ppsm", "sldm",
})  # fmt: skip
ARCHIVE: Final = frozenset({
    "zip", "rar", "7z", "gz", "tgz", "bz2", "xz", "cab", "ace", "arj", "tar", "lzh", "z",
})  # fmt: skip
DOCUMENT: Final = frozenset({
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "rtf", "csv", "jpg", "jpeg", "png",
    "gif", "bmp", "htm", "html", "mp3", "mp4", "zip",
})  # fmt: skip
PROGRAM_TYPES: Final = frozenset({
    "application/x-msdownload", "application/x-msdos-program", "application/x-dosexec",
    "application/x-executable", "application/hta", "application/x-ms-shortcut",
    "application/x-msi", "application/vnd.microsoft.portable-executable",
    "application/javascript", "application/x-javascript", "text/javascript", "application/x-sh",
})  # fmt: skip
# Not files to open: signatures, calendar invitations, delivery reports.
HARMLESS_TYPES: Final = frozenset({
    "application/pgp-signature", "application/pkcs7-signature", "application/x-pkcs7-signature",
    "text/calendar", "message/delivery-status", "message/disposition-notification",
})  # fmt: skip
SMALL_IMAGE: Final = 64 * 1024  # bytes: below this an image is a logo or a signature picture

_SPLIT_ARCHIVE: Final = re.compile(r"\.(?:zip|rar|7z)\.\d{3}$|\.r\d{2}$", re.IGNORECASE)
# Direction overrides make "invoice\u202efdp.exe" display as "invoiceexe.pdf".
_BIDI: Final = re.compile("[\u202a-\u202e\u2066-\u2069]")


def extensions(name: str) -> list[str]:
    """The dotted suffixes of a file name, lower case ("Invoice.PDF.exe" → ["pdf", "exe"])."""
    # Windows drops trailing dots and spaces: "invoice.exe. . ." runs as invoice.exe
    parts = name.strip(" \t.").lower().split(".")
    return [part.strip() for part in parts[1:]][-3:]


def _last(attachment: Attachment) -> str:
    ext = extensions(attachment.name)
    return ext[-1] if ext else ""


def _disguised(attachment: Attachment, _outside: bool) -> bool:
    ext = extensions(attachment.name)
    double = len(ext) >= 2 and ext[-2] in DOCUMENT and ext[-1] in PROGRAM | DISK_IMAGE
    return double or bool(_BIDI.search(attachment.name))


def _program(attachment: Attachment, _outside: bool) -> bool:
    return _last(attachment) in PROGRAM or attachment.content_type.lower() in PROGRAM_TYPES


def _disk_image(attachment: Attachment, _outside: bool) -> bool:
    return _last(attachment) in DISK_IMAGE


def _macro(attachment: Attachment, _outside: bool) -> bool:
    return _last(attachment) in MACRO


def _archive(attachment: Attachment, outside: bool) -> bool:
    split = _SPLIT_ARCHIVE.search(attachment.name) is not None
    return outside and (_last(attachment) in ARCHIVE or split)


def is_web_page(attachment: Attachment) -> bool:
    return _last(attachment) in WEB_PAGE


# First match wins: (why, rule(attachment, sent from outside the company)).
DANGERS: Final[tuple[tuple[str, Callable[[Attachment, bool], bool]], ...]] = (
    ("disguised", _disguised),
    ("program", _program),
    ("disk_image", _disk_image),
    ("macro", _macro),
    ("archive", _archive),
)


def danger(attachment: Attachment, from_outside: bool) -> str | None:
    """Why opening the file is dangerous ("program", "disguised", …), or None."""
    return next((why for why, rule in DANGERS if rule(attachment, from_outside)), None)


def worth_opening(attachment: Attachment) -> bool:
    """A file a person would open, as opposed to an inline logo or a signature."""
    kind = attachment.content_type.lower()
    small_image = kind.startswith("image/") and 0 < attachment.size < SMALL_IMAGE
    return kind not in HARMLESS_TYPES and not small_image
