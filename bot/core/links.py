"""Links whose text shows one site while the link goes to another (the `link_mismatch` risk).

Used by `bot/core/risks.py`. A link is judged only when its text itself shows a URL or a
domain ("www.vietcombank.com.vn", "https://paypal.com/login"); "click here" says
nothing, so nothing can mismatch. Redirects are followed through their query string
(Outlook Safe Links, Google, trackers that carry the target as `?url=…`), so a link
that ends where its text says is fine even when it passes through a tracker, and one
that ends elsewhere is not. A link straight to a bare IP address is always suspect.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Final
from urllib.parse import parse_qsl, urlsplit

from bot.core.domains import is_ip, registrable
from bot.core.mail import Link

MAX_HOPS: Final = 4  # redirects nested deeper than this are judged by the last one read

# Top-level domains a bare "name.tld" link text must end with to count as a domain
# (so "report.md" or "setup.py" in a text are not read as Moldovan or Paraguayan sites).
_COMMON_TLDS: Final = frozenset({
    "com", "net", "org", "edu", "gov", "info", "biz", "io", "co", "vn", "uk", "us", "de", "fr",
    "jp", "cn", "ru", "au", "ca", "sg", "kr", "tw", "hk", "in", "me", "app", "dev", "xyz",
    "online", "site", "top", "club", "shop", "store", "ly",
})  # fmt: skip
_SHOWN: Final = re.compile(
    r"^\s*(?P<scheme>https?://)?(?P<host>(?:[\w-]+\.)+[a-z]{2,})(?::\d+)?(?:[/?#]\S*)?\s*$",
    re.IGNORECASE,
)

# Trackers whose target is hidden in an opaque token: where they lead cannot be told.
OPAQUE_REDIRECTORS: Final = frozenset({
    "list-manage.com", "sendgrid.net", "mandrillapp.com", "mailchi.mp", "mailgun.org", "mcsv.net",
    "exacttarget.com", "rs6.net", "hubspotlinks.com", "pstmrk.it", "awstrack.me",
})  # fmt: skip


def shown_host(text: str) -> str | None:
    """The host a link text shows, when the text is a URL or a domain and nothing else."""
    found = _SHOWN.match(text)
    if not found:
        return None
    host = found.group("host").lower()
    spelled = found.group("scheme") or host.startswith("www.")
    return host if spelled or host.rpartition(".")[2] in _COMMON_TLDS else None


def destinations(url: str, hops: int = 0) -> list[str]:
    """Where a link finally leads: itself, or the URLs it carries in its query string."""
    inner = [v for _, v in parse_qsl(urlsplit(url).query) if re.match(r"https?://", v, re.I)]
    if not inner or hops >= MAX_HOPS:
        return [url]
    return [leaf for target in inner for leaf in destinations(target, hops + 1)]


def host(url: str) -> str:
    """The host name of a URL, lower case; "" when it has none or cannot be read."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _dressed_as(href: str) -> str | None:
    """The host written before an "@" in a URL ("http://paypal.com@evil.ru/")."""
    user = urlsplit(href).username or ""
    return shown_host(user) if "." in user else None


def _judge(link: Link) -> dict[str, str] | None:
    href = link.href.strip()
    if not re.match(r"https?://", href, re.IGNORECASE):
        return None
    real, shown = host(href), shown_host(link.text) or _dressed_as(href)
    if is_ip(real) and real != shown:
        return {"why": "ip", "real": real}
    if shown is None:
        return None
    for leaf in map(host, destinations(href)):
        domain = registrable(leaf)
        if leaf and domain != registrable(shown) and domain not in OPAQUE_REDIRECTORS:
            return {"shown": shown, "real": leaf}
    return None


def mismatches(links: Sequence[Link]) -> Iterator[dict[str, str]]:
    """What each deceptive link shows and where it really goes, once per pair."""
    seen: set[tuple[tuple[str, str], ...]] = set()
    for link in links:
        try:
            found = _judge(link)
        except ValueError:  # a malformed URL (bad IPv6 brackets, port) is not a site at all
            continue
        key = tuple(sorted(found.items())) if found else ()
        if found and key not in seen:
            seen.add(key)
            yield found
