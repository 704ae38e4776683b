"""Risk detectors added or tightened for issue 8, each on a hand-written mail."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.core.cues import Prose
from bot.core.links import browsed, host
from bot.core.lures import windfall
from bot.core.mail import Address, Link
from bot.core.risks import RiskKind, assess
from tests.core.mails import STRANGER, mail, viewer


def found(kind: RiskKind, **overrides: object) -> list[dict[str, str]]:
    return [dict(r.params) for r in assess(mail(**overrides), viewer()) if r.kind is kind]


@pytest.mark.parametrize(
    "href",
    [
        "http://user@phishing.com/page",
        "http://user@@@phishing.com/page",
        f"https://{'X' * 130}@phishing.com/",
    ],
)
def test_a_user_name_before_the_host_hides_the_destination(href: str) -> None:
    """ "Click here" to http://user@evil/ is flagged with the real host."""
    link = Link("Click Here", href)
    assert [{"why": "userinfo", "real": "phishing.com"}] == found(
        RiskKind.LINK_MISMATCH, sender=STRANGER, links=(link,)
    )


def test_a_sign_in_page_inside_a_themes_folder_is_a_phishing_kit() -> None:
    """A login script under /wp-content/ of some site is how phishing kits are hosted."""
    link = Link("Office 365", "https://shop.example.net/wp-content/themes/x/signin.php?a=1")
    assert [{"why": "kit", "real": "shop.example.net"}] == found(
        RiskKind.LINK_MISMATCH, sender=STRANGER, links=(link,)
    )


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Check this link: hxxp://malicious-site.com/phish", "hxxp://malicious-site.com/phish"),
        ("Visit our site at example[.]com/login", "example[.]com/login"),
        ("Visit h t t p s : / / evil-site.com/page", "h t t p s : / / evil-site.com/page"),
        ("Contact us at secure-login dot net for support", "secure-login dot net"),
        ("Visit h  t  t  p :\n/ / evil-site.com/page", "h t t p : / / evil-site.com/page"),
        ("Mở HXXPS://ngan-hang-xac-minh.com ngay", "HXXPS://ngan-hang-xac-minh.com"),
    ],
)
def test_an_address_written_in_disguise_is_flagged(text: str, shown: str) -> None:
    """Defanged addresses meant to be retyped are flagged with what the mail wrote."""
    assert [{"why": "disguised", "shown": shown}] == found(RiskKind.LINK_MISMATCH, text=text)


def test_a_signature_writing_its_address_in_words_is_not_disguised() -> None:
    """ "minh at acme dot com" without a hyphenated name is ordinary anti-spam habit."""
    assert [] == found(RiskKind.LINK_MISMATCH, text="Write to minh at acme dot com")


def test_an_ip_link_that_shows_its_ip_hides_nothing() -> None:
    """A link whose text is the IP address itself deceives no one."""
    link = Link("http://64.78.49.204/", "http://64.78.49.204/")
    assert [] == found(RiskKind.LINK_MISMATCH, links=(link,))


def test_a_newsletters_own_click_tracker_is_no_mismatch() -> None:
    """ "dilbert.com" shown, the sender's own tracker reached: no deception."""
    sender = Address("2.20290@ummail4.unitedmedia.com", "Daily Dilbert")
    link = Link("dilbert.com", "http://ummail4.unitedmedia.com/t/123")
    assert [] == found(RiskKind.LINK_MISMATCH, sender=sender, links=(link,))


def test_a_tracker_showing_a_bank_is_still_a_mismatch() -> None:
    """The sender's own domain behind a bank's name is exactly the phish to catch."""
    sender = Address("info@evil-mailer.com", "Vietcombank")
    link = Link("vietcombank.com.vn", "http://evil-mailer.com/login")
    assert [{"shown": "vietcombank.com.vn", "real": "evil-mailer.com"}] == found(
        RiskKind.LINK_MISMATCH, sender=sender, links=(link,)
    )


def test_a_password_step_on_the_senders_own_site_is_no_lure() -> None:
    """A list's "enter your list password" linking to its own site is not phishing."""
    sender = Address("mailman-owner@lists.example.org")
    text = "To unsubscribe, enter your list password on the page below."
    links = (Link("options", "https://lists.example.org/options/dev"),)
    assert [] == found(RiskKind.CREDENTIAL_REQUEST, sender=sender, text=text, links=links)


def test_a_payment_ask_on_a_mailing_list_is_not_a_request_to_you() -> None:
    """ "send your credit card number to order" in a list digest is not addressed to you."""
    text = "To order, please send your credit card number by email."
    listed = found(RiskKind.FINANCIAL_REQUEST, sender=STRANGER, text=text,
                   headers={"Precedence": "bulk"})  # fmt: skip
    direct = found(RiskKind.FINANCIAL_REQUEST, sender=STRANGER, text=text)
    assert ([], "payment") == (listed, direct[0]["why"])


def test_windfall_counts_kinds_of_promises_not_sums() -> None:
    """Two sums are one cue; a sum and a beneficiary are two."""
    assert (None, "beneficiary") == (
        windfall(Prose.of("We paid $1,000,000,000 and $2,000,000,000.")),
        windfall(Prose.of("You are the beneficiary of 25 million US dollars.")),
    )


BANK = "https://www.vietcombank.com.vn/login"


@pytest.mark.parametrize(
    "href",
    [
        "https://evil.example\\@www.vietcombank.com.vn/",  # "\" ends the host in a browser
        "https:\\\\evil.example/x",
        "https:///evil.example/x",
        "ht\ttps://evil.example/x",
        "ht\r\n tps://evil.example/x".replace(" ", ""),
        "\x01 https://evil.example/x",
    ],
)
def test_a_link_written_as_only_a_browser_reads_it_is_still_judged(href: str) -> None:
    """A browser forgives backslashes, extra slashes, tabs, line breaks and control
    characters; a strict reading found another host, or none, and no risk at all."""
    judged = found(RiskKind.LINK_MISMATCH, sender=STRANGER, links=(Link(BANK, href),))
    assert [{"shown": "www.vietcombank.com.vn", "real": "evil.example"}] == judged


@pytest.mark.parametrize(
    ("href", "why", "real"),
    [
        ("javascript:location='https://evil.example'", "script", "javascript"),
        ("DATA:text/html;base64,PGgxPg==", "embedded", "data"),
    ],
)
def test_a_link_showing_a_site_but_running_a_script_is_a_mismatch(
    href: str, why: str, real: str
) -> None:
    judged = found(RiskKind.LINK_MISMATCH, sender=STRANGER, links=(Link(BANK, href),))
    assert [{"why": why, "shown": "www.vietcombank.com.vn", "real": real}] == judged


def test_a_script_link_that_shows_no_site_is_left_alone() -> None:
    """ "Print this page" running a script claims no destination."""
    link = Link("Print this page", "javascript:window.print()")
    assert [] == found(RiskKind.LINK_MISMATCH, sender=STRANGER, links=(link,))


@given(st.text(st.sampled_from(list("hHtTpPsS:/\\\\\t\r\n @?#.ex\x01"))) | st.text())
@example("HTTPS:\\\\evil.example\\a?b\\c")
@example(" \thttps:/\n/x.y ")
def test_a_link_read_as_a_browser_reads_it_reads_the_same_again(href: str) -> None:
    """`browsed` is idempotent, so `links.host` may be asked of the link as written or as
    browsed and name the same host (the checks share its cache that way)."""
    assert browsed(href) == browsed(browsed(href))
    assert host(href) == host(browsed(href))
