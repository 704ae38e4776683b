"""Triage gates added for real bulk mail and spam (issue 8): each on a hand-written mail."""

from __future__ import annotations

import pytest

from bot.core.mail import Address
from bot.core.triage import triage
from tests.core.mails import ME, NOW, STRANGER, mail, viewer


def codes(**overrides: object) -> set[str]:
    verdict = triage(mail(**overrides), viewer(), NOW)
    return {reason.code for reason in verdict.reasons} if not verdict.tracked else set()


@pytest.mark.parametrize(
    "footer",
    [
        "Click here to be removed",
        "If you would like to be taken off our list, click here",
        "To remove your email address from further promotional mailings, click here",
        "request to be excluded by visiting HERE",
        "reply with REMOVE in the subject line",
        "If you do not wish to receive further mailings, go to our site.",
        "You're subscribed to the HTML version of the Daily Dilbert.",
        "If you wish to leave this list please use the link below.",
        "Click here to delete your address from future updates.",
    ],
)
def test_removal_notices_make_a_newsletter(footer: str) -> None:
    """The removal wording of mass mailers, wrapped across lines, gates like "unsubscribe"."""
    text = "Great offers this week!\n\n" + footer.replace(" ", "\n", 1)
    assert {"newsletter"} <= codes(sender=STRANGER, text=text)


def test_a_colleague_saying_something_must_be_removed_stays_personal() -> None:
    """Ordinary words ("the old file has to be removed") are no removal notice."""
    assert set() == codes(text="Anh ơi, the old file has to be removed before Friday.")


def test_newsletter_rulers_are_not_quoted_history() -> None:
    """A ">" banner or a ruler in a mail that is no reply does not hide its footer."""
    text = "> > Big sale > >\n" + "_" * 20 + "\nDeals.\n\nTo unsubscribe, click here."
    assert {"newsletter"} <= codes(sender=STRANGER, text=text)


@pytest.mark.parametrize("subject", ["[QC] Khuyến mãi tháng 12", "ADV: Cheap toner", "(광고) 세일"])
def test_advertising_tags_in_the_subject(subject: str) -> None:
    """The subject tags the law makes advertisers add mark the mail as advertising."""
    assert {"advertising"} <= codes(subject=subject)


def test_advance_fee_scam_is_never_pending() -> None:
    """A stranger promising millions for help is a scam, never tracked, whatever it asks."""
    text = (
        "I am the widow of the late president. Please help me move 18 million US dollars "
        "to a foreign account; you will be the beneficiary of 20% of the funds."
    )
    assert {"scam"} <= codes(sender=STRANGER, text=text)


def test_a_sales_report_full_of_sums_is_no_scam() -> None:
    """Many sums of money are one kind of cue: a colleague's report stays tracked."""
    text = "Q3: $44,241,224 billed, $16,503,641 collected, $28,883,112 open. Please review."
    assert set() == codes(text=text)


@pytest.mark.parametrize(
    ("bounce", "gated"),
    [
        ("<bounce-lglinux-2534371@sprocket.example.com>", True),
        ("<online#3.19699.f7-cwsbl8.1.b@newsletter.example.com>", True),
        ("<news-minh=acme.vn@mailer.example.com>", True),
        ("<hoa@partner.com.vn>", False),
        ("<prvs=0123456789=hoa@partner.com.vn>", False),
    ],
)
def test_a_made_up_bounce_address_is_a_mass_mailer(bounce: str, gated: bool) -> None:
    """A per-recipient bounce address (VERP) marks bulk; the sender's own or BATV does not."""
    assert gated == ("mass_mailer" in codes(headers={"Return-Path": bounce}))


def test_a_stranger_writing_to_unrelated_people_is_spam_like() -> None:
    """To: people at three unrelated domains, from a stranger: scattershot, untracked."""
    to = (ME, Address("a@one.com"), Address("b@two.net"), Address("c@three.org"))
    assert {"scattershot"} <= codes(sender=STRANGER, to=to)


def test_a_partner_copying_his_colleagues_stays_tracked() -> None:
    """Several recipients at the sender's own domain are no scattershot."""
    to = (ME, Address("a@partner.com.vn"), Address("b@partner.com.vn"))
    assert set() == codes(to=to)


def test_a_subject_naming_the_owners_address_is_a_mail_merge() -> None:
    """ "Re: minh@acme.vn" in a subject is how harvested-address mailings greet."""
    assert {"by_address"} <= codes(subject="Re: minh@acme.vn", sender=STRANGER)


def test_an_automated_response_is_untracked() -> None:
    """ "This is an automated response" is a machine speaking, like an out-of-office."""
    text = "This is an automated response to a message you have sent.\nI am away."
    assert {"automated"} <= codes(text=text)
