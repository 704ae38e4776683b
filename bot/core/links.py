"""Links whose text shows one site while the link goes to another (the `link_mismatch` risk).

Used by `bot/core/risks.py`. A link is judged only when its text itself shows a URL or a
domain ("www.vietcombank.com.vn", "https://paypal.com/login"); "click here" says
nothing, so nothing can mismatch. Redirects are followed through their query string
(Outlook Safe Links, Google, trackers that carry the target as `?url=…`), so a link
that ends where its text says is fine even when it passes through a tracker, and one
that ends elsewhere is not. A link straight to a bare IP address, one with a user
name before its host ("http://paypal.com@evil.ru/"), or to a sign-in page inside a
website's plugin files is always suspect, and so is an address written in disguise in
the text ("hxxp://", "evil[.]com") for the reader to retype.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Final
from urllib.parse import parse_qsl, urlsplit

from bot.core import folded
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


_WEB: Final = re.compile(r"https?://", re.IGNORECASE)


def destinations(url: str, hops: int = 0) -> list[str]:
    """Where a link finally leads: itself, or the URLs it carries in its query string."""
    inner = [v for _, v in parse_qsl(urlsplit(url).query) if _WEB.match(v)]
    if not inner or hops >= MAX_HOPS:
        return [url]
    return [leaf for target in inner for leaf in destinations(target, hops + 1)]


@lru_cache(maxsize=4096)
def host(url: str) -> str:
    """The host name of a URL, lower case; "" when it has none or cannot be read (kept:
    the risk checks ask it of each link more than once, and mail links the same pages)."""
    try:
        return (urlsplit(browsed(url)).hostname or "").lower()
    except ValueError:
        return ""


def _dressed_as(href: str) -> str | None:
    """The host written before an "@" in a URL ("http://paypal.com@evil.ru/")."""
    user = urlsplit(href).username or ""
    return shown_host(user) if "." in user else None


# A sign-in page inside a website's theme or plugin files: the home of phishing kits on
# hacked WordPress sites ("…/wp-content/themes/x/signin.php"); WordPress's own login is
# /wp-login.php, never in there.
_KIT_PAGE: Final = re.compile(
    r"/wp-(?:content|admin|includes)/\S*?(?:sign-?in|log-?[io]n|auth|verif|account|secure)"
    r"\w*\.(?:php|html?|aspx?)",
    re.IGNORECASE,
)


def _hidden(href: str, text: str, real: str, shown: str | None) -> dict[str, str] | None:
    """A link that hides where it goes: a bare IP, a user name before "@", a kit page."""
    parts = urlsplit(href)
    if is_ip(real) and real != shown and real not in text:  # a shown IP hides nothing
        return {"why": "ip", "real": real}
    if "@" in parts.netloc and shown is None:  # "http://user@evil.com/": the user part misleads
        return {"why": "userinfo", "real": real}
    if _KIT_PAGE.search(parts.path):
        return {"why": "kit", "real": real}
    return None


def browsed(href: str) -> str:
    """The URL a browser opens for `href`, as the WHATWG URL standard reads it: control
    characters and spaces around it trimmed, tabs and line breaks inside dropped, and in
    a web link backslashes taken for slashes and any run of them after the scheme for
    "//". ("https:\\evil.example", "ht\ttps://…", "https://evil.example\\@bank.com" all
    go to evil.example, where a strict reading found another host, or none.)"""
    url = href.strip(_AROUND).translate(_INSIDE)
    web = _WEB_SCHEME.match(url)
    if web is None:
        return url
    rest = url[web.end() :]
    cut = min((at for at in (rest.find("?"), rest.find("#")) if at >= 0), default=len(rest))
    return f"{web.group(1).lower()}://{rest[:cut].replace(chr(92), '/')}{rest[cut:]}"


_AROUND: Final = "".join(map(chr, range(0x21)))
_INSIDE: Final = str.maketrans("", "", "\t\n\r")
_WEB_SCHEME: Final = re.compile(r"(https?):[/\\]*", re.IGNORECASE)
_SCRIPTED: Final = re.compile(r"(javascript|vbscript|data):", re.IGNORECASE)


def _judge(link: Link, own: str, protected: frozenset[str]) -> dict[str, str] | None:
    href = browsed(link.href)
    scripted = _SCRIPTED.match(href)
    if scripted and (shown := shown_host(link.text)):  # shows a site, runs a script instead
        scheme = scripted.group(1).lower()
        return {"why": "embedded" if scheme == "data" else "script", "shown": shown, "real": scheme}
    if not _WEB.match(href):
        return None
    # host() reads the link as a browser does too: asked as the other checks ask it, it is
    # found in their cache
    real, shown = host(link.href), shown_host(link.text) or _dressed_as(href)
    hidden = _hidden(href, link.text, real, shown)
    if hidden or shown is None:
        return hidden
    for leaf in map(host, destinations(href)):
        domain = registrable(leaf)
        if leaf and domain != registrable(shown) and domain not in OPAQUE_REDIRECTORS:
            tracked = domain == own and registrable(shown) not in protected
            return None if tracked else {"shown": shown, "real": leaf}
    return None


# Addresses written so that no filter sees a link: "hxxp://", "evil[.]com", "h t t p s : / /",
# "secure-login dot net". Mail clients do not link them: the reader is meant to retype them.
_DISGUISED: Final = re.compile(
    r"(?<![\w.])(?:hxxps?|h\s+t\s+t\s+p(?:\s+s)?\s*:\s*/\s*/)\s*\S+"
    r"|(?<![\w.])[a-z0-9-]+(?:\.[a-z0-9-]+)*(?:\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\))"
    r"[a-z0-9-]+\S*"
    r"|(?<![\w.@])[a-z0-9]+-[a-z0-9-]+ dot (?:com|net|org|info|biz|ru|cn|tk|top|xyz|vn)(?!\w)",
    re.IGNORECASE,
)


_DISGUISE_MARKS: Final = ("hxxp", "[.]", "(.)", "{.}", "[dot]", "(dot)", " dot ", "h t t p")
folded.watch(*_DISGUISE_MARKS)


def disguised(text: str, held: frozenset[str]) -> str | None:
    """The first web address the text writes in disguise, as written. `held`: the watched
    words of a text holding this one (`cues.held`): without a mark, no pattern is run."""
    if held.isdisjoint(_DISGUISE_MARKS):
        return None  # a substring scan spares most mail the costly pattern
    found = folded.search(_DISGUISED, text)
    return " ".join(found.group().split())[:80] if found else None


def mismatches(
    links: Sequence[Link], own: str = "", protected: frozenset[str] = frozenset()
) -> Iterator[dict[str, str]]:
    """What each deceptive link shows and where it really goes, once per pair.

    `own` is the sender's registrable domain: a newsletter's links go through its own click
    tracker ("dilbert.com" shown, "ummail4.unitedmedia.com" reached from unitedmedia.com),
    which is no deception unless the text shows a `protected` domain (a bank, the company).
    """
    seen: set[tuple[tuple[str, str], ...]] = set()
    for link in links:
        try:
            found = _judge(link, own, protected)
        except ValueError:  # a malformed URL (bad IPv6 brackets, port) is not a site at all
            continue
        key = tuple(sorted(found.items())) if found else ()
        if found and key not in seen:
            seen.add(key)
            yield found
