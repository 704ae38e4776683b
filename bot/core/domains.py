"""Domain names as the risk checks compare them: registrable part, look-alikes, brands.

Used by `bot/core/risks.py` and `bot/core/links.py`. No public-suffix download: the
registrable domain is the last two labels, or three under a country's generic
second level ("acme.com.vn", "amazon.co.uk"), which is right for the mail we see.
A look-alike is a domain whose name, read with confusable letters folded together
("rn"→"m", "0"→"o", Cyrillic "а"→"a", hyphens dropped), equals or nearly equals a
protected one, or that wraps it ("paypal.com.evil.ru", "vietcombank-secure.com").
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

_SECOND_LEVEL: Final = frozenset({
    "com", "net", "org", "edu", "gov", "co", "ac", "or", "ne", "go", "mil", "int", "info", "biz",
    "name", "pro", "health", "id", "sch", "nic", "gob",
})  # fmt: skip


@dataclass(frozen=True, slots=True)
class Brand:
    """An often-impersonated sender: the words of its display names and the domains it uses."""

    name: str
    words: str  # regex alternatives matched on a display name, case-insensitive
    domains: tuple[str, ...]


BRANDS: Final = (
    Brand("PayPal", r"paypal", ("paypal.com", "paypal.me")),
    Brand("Microsoft", r"microsoft|office ?365|outlook|onedrive|sharepoint",
          ("microsoft.com", "office.com", "office365.com", "outlook.com", "live.com",
           "hotmail.com", "microsoftonline.com", "sharepoint.com", "onedrive.com")),
    Brand("Apple", r"apple|icloud|itunes", ("apple.com", "icloud.com", "me.com")),
    Brand("Amazon", r"amazon", ("amazon.com", "amazonaws.com", "amazonses.com")),
    Brand("Google", r"google|gmail", ("google.com", "gmail.com", "googlemail.com", "youtube.com")),
    Brand("Facebook", r"facebook|meta", ("facebook.com", "facebookmail.com", "meta.com")),
    Brand("DocuSign", r"docusign", ("docusign.com", "docusign.net")),
    Brand("DHL", r"dhl", ("dhl.com",)),
    Brand("Bank of America", r"bank of america", ("bankofamerica.com",)),
    Brand("Vietcombank", r"vietcombank|vcb", ("vietcombank.com.vn",)),
    Brand("Techcombank", r"techcombank", ("techcombank.com.vn", "techcombank.com")),
    Brand("BIDV", r"bidv", ("bidv.com.vn",)),
    Brand("VPBank", r"vpbank", ("vpbank.com.vn",)),
    Brand("VietinBank", r"vietinbank", ("vietinbank.vn",)),
    Brand("Agribank", r"agribank", ("agribank.com.vn",)),
    Brand("MoMo", r"momo", ("momo.vn",)),
    Brand("Zalo", r"zalo", ("zalo.me", "zalo.vn", "zaloapp.com")),
)  # fmt: skip

BRAND_DOMAINS: Final = frozenset(domain for brand in BRANDS for domain in brand.domains)

# Words a fake domain adds to a real name: "paypal-secure.com", "acme-vn.com".
_LURE_WORDS: Final = frozenset({
    "secure", "security", "login", "signin", "verify", "verification", "account", "accounts",
    "update", "service", "services", "support", "help", "online", "bank", "banking", "pay",
    "payment", "billing", "auth", "id", "team", "mail", "web", "app", "portal", "official", "vn",
    "com", "alert", "alerts", "notice", "customer",
})  # fmt: skip
_CONFUSABLE: Final = str.maketrans(
    # Cyrillic, Greek, Armenian and Latin-extension letters that pass for Latin ones
    "0135|аеорсухіјԁѕӏɡοαρνκтмнıϲɑɩԛѡսօ",
    "oleslaeopcyxijdslgoapvktmhicaiqwuo",
)


def registrable(host: str) -> str:
    """The part of a host name its owner registered ("mail.acme.com.vn" → "acme.com.vn")."""
    labels = host.strip(".").lower().split(".")
    take = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-take:])


@lru_cache(maxsize=4096)  # a newsletter's links go to the same few hosts, again and again
def is_ip(host: str) -> bool:
    """A bare IPv4/IPv6 address, also in the decimal or hex forms browsers accept."""
    value = host.strip("[]")
    if re.fullmatch(r"\d{8,10}|0x[0-9a-f]{8}", value, re.IGNORECASE):
        return True
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def within(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


@lru_cache(maxsize=4096)
def skeleton(label: str) -> str:
    """A name with look-alike letters folded together, for comparing by eye."""
    if label.startswith("xn--"):
        try:
            label = label.encode("ascii").decode("idna")
        except UnicodeError:
            return label
    decomposed = unicodedata.normalize("NFKD", label)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = stripped.lower().replace("đ", "d").translate(_CONFUSABLE).replace("-", "")
    return folded.replace("rn", "m").replace("vv", "w").replace("i", "l")


def imitated(host: str, protected: Iterable[str], own: Iterable[str] = ()) -> str | None:
    """The protected domain `host` imitates, or None (never for that domain or its subdomains).

    `own`: the company's domains, which its mail never comes from under another ending:
    "congty.com" imitates "congty.vn". (A brand's name elsewhere, "amazon.co.uk", is
    not taken for a fake: big brands own their name under many endings.)"""
    return _imitated(host, tuple(protected), tuple(own))


# Mail comes from the same few domains again and again, and comparing one with every
# protected domain (edit distances included) is the costliest risk check: remember it.
@lru_cache(maxsize=4096)
def _imitated(host: str, protected: tuple[str, ...], own: tuple[str, ...] = ()) -> str | None:
    host = host.strip(".").lower()
    domains = [d for d in (*own, *protected) if d]
    if not host or is_ip(host) or any(within(host, domain) for domain in domains):
        return None
    label = registrable(host).split(".")[0]
    for domain in domains:
        target = registrable(domain).split(".")[0]
        wrapped = host.startswith(domain + ".") or f".{domain}." in host
        elsewhere = (  # (not a brand's: free mail standing in for the company, hotmail.com)
            label == target
            and domain in own
            and domain not in BRAND_DOMAINS
            and registrable(host) != registrable(domain)
        )
        if wrapped or elsewhere or (label != target and _resembles(label, target)):
            return domain
    return None


def _resembles(label: str, target: str) -> bool:
    """Same name to the eye, the name plus lure words, or one or two typos away."""
    mine, theirs = skeleton(label), skeleton(target)
    if mine == theirs:
        return True
    words = label.split("-")
    if len(words) > 1 and target in words and all(w in _LURE_WORDS for w in words if w != target):
        return True
    budget = 0 if len(theirs) < 6 else 1 if len(theirs) < 10 else 2
    return budget > 0 and abs(len(mine) - len(theirs)) <= budget and _typos(mine, theirs) <= budget


def _typos(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap of neighbours) that turn `a` into `b`."""
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, other in enumerate(b, 1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (char != other))
            if i > 1 and j > 1 and char == b[j - 2] and a[i - 2] == other:
                current[j] = min(current[j], before[j - 2] + 1)
        before, row = row, current
    return row[-1]
