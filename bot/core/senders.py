"""Gates on who sent a mail and to whom: mass mailers, publishers, scattered recipients.

Part of triage's gates (`bot/core/bulk.py` holds the table; the gates on the words of a
mail stay there). Each reads only addresses and headers: a bounce address made up per
recipient, an address or name that publishes rather than writes, a stranger's mail to
people at unrelated domains or to no one the owner knows.
"""

from __future__ import annotations

import re
from typing import Final

from bot.core.domains import registrable
from bot.core.reading import Params, Reading


def _found(condition: bool) -> Params | None:
    return {} if condition else None


# A bounce address that is not the sender's own and that the mailer made up per message or
# per recipient (VERP: "bounce-lglinux-2534371@…", "news-jm=acme.vn@…", "owner-list@…").
# Forwarders' SRS and BATV rewrites ("SRS0=…", "prvs=…") carry personal mail: skipped.
_REWRITTEN: Final = re.compile(r"^(?:srs[01]|prvs|btv1)[=+]", re.IGNORECASE)
_MADE_UP: Final = re.compile(
    r"bounce|^owner-|-request$|^(?:returns?|dev-?null)$|=|(?:\d\D*){8}", re.I
)


def mass_mailer(reading: Reading) -> Params | None:
    bounce = reading.mail.header("return-path").strip().strip("<>").lower()
    local = bounce.rpartition("@")[0]
    if not local or bounce == reading.sender or _REWRITTEN.match(local):
        return None
    return {"address": bounce} if _MADE_UP.search(local) else None


def by_address(reading: Reading) -> Params | None:
    """The subject names the owner by their address: a mail merge over harvested addresses."""
    return _found(
        bool(reading.viewer_email) and reading.viewer_email in reading.mail.subject.lower()
    )


_NO_REPLY: Final = re.compile(
    r"^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer[-_.]daemon|postmaster|bounces?"
    r"|notifications?|nobody|mailer)(?:[-+_.].*)?$",
    re.IGNORECASE,
)


def no_reply(reading: Reading) -> Params | None:
    local = reading.sender.partition("@")[0]
    return {"sender": reading.sender} if _NO_REPLY.match(local) else None


# Addresses and names that publish rather than write: "alerts@…", "news@alerts.…",
# "The ISO17799 Newsletter" <…>. A person's mail never comes from one.
_PUBLISHER: Final = re.compile(
    r"^(?:newsletters?|news|alerts?|announce(?:ments?)?|updates|marketing|promo(?:tions?)?"
    r"|offers|deals|digest|bulletin|mailings?|campaigns?|ban tin|thong bao|khuyen mai)$",
    re.IGNORECASE,
)
_PUBLISHER_NAME: Final = re.compile(
    r"(?<!\w)(?:newsletter|bulletin|digest|announcements|alerts|bản tin|ban tin)(?!\w)", re.I
)


def publisher(reading: Reading) -> Params | None:
    sender = reading.mail.sender
    if sender is None:
        return None
    local, _, host = sender.email.partition("@")
    labels = [local, *host.split(".")[:-2]]  # the local part and any subdomain
    named = _PUBLISHER_NAME.search(sender.name) is not None
    return {"sender": sender.email} if named or any(_PUBLISHER.match(x) for x in labels) else None


def _known(reading: Reading) -> bool:
    """The sender is a colleague or someone the owner has written to."""
    sender, viewer = reading.mail.sender, reading.viewer
    internal = sender is not None and viewer.is_internal(sender)
    return internal or viewer.correspondents.get(reading.sender, 0) > 0


def not_addressed(reading: Reading) -> Params | None:
    """Not in To or Cc, from a stranger outside, with no colleague among the recipients."""
    mail, viewer = reading.mail, reading.viewer
    if reading.viewer_email in {a.email for a in mail.recipients}:
        return None
    return _found(not _known(reading) and not any(viewer.is_internal(a) for a in mail.recipients))


SCATTERED: Final = 3  # unrelated domains in To that make a stranger's mail a mass mailing


def scattershot(reading: Reading) -> Params | None:
    """A stranger's mail whose To lists people at unrelated domains: how spam is addressed."""
    viewer, to, me = reading.viewer, reading.mail.to, reading.viewer_email
    if _known(reading) or any(viewer.is_internal(a) for a in to if a.email != me):
        return None
    own = {registrable(reading.sender.rpartition("@")[2]), registrable(me.rpartition("@")[2])}
    domains = {registrable(a.domain) for a in to} - own
    return {"count": str(len(to))} if len(domains) >= SCATTERED else None
