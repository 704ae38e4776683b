"""The curators' labels, read without asking the product anything.

- SpamAssassin public corpus: the folder says spam, hard ham (legitimate bulk and
  commercial mail) or easy ham; List-Id and Precedence headers and the recipients say
  whether an easy-ham message came through a list or was written to its owner.
- The mailbox owner of a corpus message is who the mail server delivered it to: the
  Delivered-To header (as the corpus obfuscated it, found among the recipients when it is
  there), else the envelope recipient a Received header names, else the first To.
- Risk fixtures (rspamd, SpamAssassin's test data): the file name states the trick, and
  `FIXTURES` maps each trick to the risk kinds that fit it. Where a name alone is
  ambiguous, the upstream test that feeds the file says what it must (not) trigger.
"""

from __future__ import annotations

import email.parser
import email.policy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from bot.core.mail import Mail
from bot.core.risks import RiskKind

_HEADERS: Final = email.parser.BytesHeaderParser(policy=email.policy.compat32)
_ENVELOPE: Final = re.compile(r"\bfor\s+<?([^\s<>;@]+@([^\s<>;]+))>?", re.IGNORECASE)


def headers(raw: bytes) -> email.message.Message:
    """The raw header block, as the standard library reads it (the mbox line skipped)."""
    if raw.startswith(b"From "):
        raw = raw.split(b"\n", 1)[-1]
    return _HEADERS.parsebytes(raw)


def owner(raw: bytes, mail: Mail) -> str:
    """The address of the mailbox the message was delivered to (see the module doc)."""
    head = headers(raw)
    delivered = [str(v).strip().lower() for v in head.get_all("delivered-to", [])]
    if delivered:
        local = delivered[0].partition("@")[0]
        named = [a.email for a in mail.recipients if a.email.partition("@")[0] == local]
        if named:
            return named[0]
    return _envelope(head) or _delivered(delivered) or (mail.to[0].email if mail.to else "")


def _envelope(head: email.message.Message) -> str:
    for value in head.get_all("received", []):
        for found in _ENVELOPE.finditer(str(value)):
            host = found.group(2).lower()
            if "." in host and not host.startswith("localhost"):
                return found.group(1).lower()
    return ""


def _delivered(delivered: list[str]) -> str:
    for value in delivered:
        local, _, host = value.partition("@")
        host = host.removeprefix("localhost.")
        if "." in host:
            return f"{local}@{host}"
    return ""


def through_list(mail: Mail) -> bool:
    """Sent through a mailing list or as bulk mail, as the list server marked it."""
    precedence = mail.header("precedence").strip().lower()
    return bool(mail.header("list-id")) or precedence in ("bulk", "list", "junk")


def addressed_to(mail: Mail, person: str) -> bool:
    """`person` is named among the recipients, not reached through a list or an alias."""
    return person in {a.email for a in mail.recipients}


@dataclass(frozen=True, slots=True)
class Fixture:
    """A risk fixture: where it is, the trick its name states, and the kinds that fit."""

    path: str  # relative to the corpora folder
    trick: str
    kinds: frozenset[RiskKind]


PHISHING: Final = frozenset({
    RiskKind.LINK_MISMATCH, RiskKind.LOOKALIKE_DOMAIN, RiskKind.CREDENTIAL_REQUEST,
    RiskKind.SPOOFED_DISPLAY_NAME,
})  # fmt: skip
SPOOF: Final = frozenset({RiskKind.SPOOFED_DISPLAY_NAME, RiskKind.LOOKALIKE_DOMAIN})
SENDER_FORGERY: Final = frozenset({*SPOOF, RiskKind.AUTH_FAILED})
ATTACHMENT: Final = frozenset({RiskKind.DANGEROUS_ATTACHMENT})
HIDDEN_LINK: Final = frozenset({RiskKind.LINK_MISMATCH})
SCAM: Final = frozenset({RiskKind.FINANCIAL_REQUEST})

_R = "rspamd-test-messages/"
_S = "spamassassin-testdata/spam/"

# (file names, trick, fitting kinds). rspamd's own tests (test/functional/cases/*.robot)
# settle the names that do not say it all: phishing_query_safe, _nested and
# _same_label_cross_tld are its no-false-positive twins (in CLEAN below); phish_sender2-4
# and 6 test broken headers, not a forged sender; url_suspect_bad_tld, _email_user,
# _schemeless_email_href, _multi_query and _single_query test URL parsing, not a trick.
_TABLE: Final = (
    ((f"{_R}phishing1.eml", f"{_R}phishing2.eml", f"{_R}phishing3.eml",
      f"{_R}phishing_query_multi.eml", f"{_R}phishing_query_nested_fire.eml",
      f"{_R}phishing_query_overcap.eml", f"{_R}html_phishing.eml",
      f"{_S}phishing_openphish.eml", f"{_S}phishing_phishtank.eml"), "phishing", PHISHING),
    ((f"{_R}sa_display_name_spoof.eml", f"{_S}fromnamespoof/spoof1"), "display-name spoof",
     SPOOF),
    ((f"{_R}phish_sender.eml", f"{_R}phish_sender5.eml"), "two senders in From",
     SENDER_FORGERY),
    ((f"{_R}exe_attm.eml", f"{_R}bad_ext.dotted_file_name.eml", f"{_R}zip.eml",
      f"{_R}zip-doublebad.eml", f"{_R}f.zip.001.eml", f"{_R}f.zip.gz.eml", f"{_R}rar4.eml",
      f"{_R}rar-date-bad-ext.eml", f"{_R}mixed-html-zip.eml"), "exe/zip attachment", ATTACHMENT),
    ((f"{_S}olevbmacro/macro.eml", f"{_S}olevbmacro/malicemacro.eml",
      f"{_S}olevbmacro/zippwmacro.eml", f"{_S}olevbmacro/renamedmacro.eml"), "Office macro",
     ATTACHMENT),
    ((f"{_R}url_obfuscated_bracket_dots.eml", f"{_R}url_obfuscated_hxxp.eml",
      f"{_R}url_obfuscated_spaced.eml", f"{_R}url_obfuscated_word_dot.eml",
      f"{_R}url_suspect_numeric_ip.eml", f"{_R}url_suspect_numeric_ip_user.eml",
      f"{_R}url_suspect_user_no_password.eml", f"{_R}url_suspect_multiple_at.eml",
      f"{_R}url_suspect_long_user.eml", f"{_R}url_suspect_very_long_user.eml"),
     "obfuscated URL", HIDDEN_LINK),
    ((f"{_R}advance_fee_fraud.eml",), "advance-fee fraud", SCAM),
)  # fmt: skip

# The upstream no-false-positive twins, and the kind each must not carry.
CLEAN: Final = (
    (f"{_R}phishing_query_safe.eml", RiskKind.LINK_MISMATCH),
    (f"{_R}phishing_query_nested.eml", RiskKind.LINK_MISMATCH),
    (f"{_R}phishing_same_label_cross_tld.eml", RiskKind.LINK_MISMATCH),
    (f"{_R}url_suspect_normal.eml", RiskKind.LINK_MISMATCH),
    (f"{_S}olevbmacro/nomacro.eml", RiskKind.DANGEROUS_ATTACHMENT),
    (f"{_S}olevbmacro/goodcsv.eml", RiskKind.DANGEROUS_ATTACHMENT),
    (f"{_R}arcallow.eml", RiskKind.AUTH_FAILED),
)


def fixtures() -> Iterator[Fixture]:
    for paths, trick, kinds in _TABLE:
        for path in paths:
            yield Fixture(path, trick, kinds)
