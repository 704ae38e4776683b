"""risks: every detector on small hand-written mails, with the cases that must stay quiet."""

# STYLE.md: tests compare `expected == actual` (move to pyproject's per-file-ignores)

from __future__ import annotations

import pytest

from bot.core.mail import Address, Attachment, Link, Mail
from bot.core.risks import DETECTORS, Risk, RiskKind, assess, describe, looks_like_phishing
from tests.core.mails import COLLEAGUE, ME, PARTNER, STRANGER, mail, viewer

PDF = Attachment("bao-gia.pdf", "application/pdf", 120_000)


def risks(written: Mail, kind: RiskKind, **viewer_overrides: object) -> list[dict[str, str]]:
    """The params of each risk of `kind` found in `written`."""
    found = assess(written, viewer(**viewer_overrides))
    return [dict(risk.params) for risk in found if risk.kind is kind]


# --- attachments -------------------------------------------------------------------------


def test_attachment_from_a_stranger() -> None:
    """A file from someone the owner never wrote to is flagged by name."""
    written = mail(sender=STRANGER, attachments=(PDF,))
    assert [{"name": "bao-gia.pdf"}] == risks(written, RiskKind.UNKNOWN_SENDER_ATTACHMENT)


@pytest.mark.parametrize("sender", [PARTNER, COLLEAGUE])
def test_attachment_from_a_known_sender_is_fine(sender: Address) -> None:
    """Files from a correspondent or a colleague are not flagged for their sender."""
    written = mail(sender=sender, attachments=(PDF,))
    assert [] == risks(written, RiskKind.UNKNOWN_SENDER_ATTACHMENT)


@pytest.mark.parametrize(
    "attachment",
    [
        Attachment("image001.png", "image/png", 4_000),
        Attachment("signature.asc", "application/pgp-signature", 800),
        Attachment("smime.p7s", "application/pkcs7-signature", 5_000),
    ],
)
def test_inline_logos_and_signatures_are_not_attachments(attachment: Attachment) -> None:
    """Small inline images and cryptographic signatures are not files to warn about."""
    written = mail(sender=STRANGER, attachments=(attachment,))
    assert [] == risks(written, RiskKind.UNKNOWN_SENDER_ATTACHMENT)


def test_several_attachments_from_a_stranger_make_one_warning() -> None:
    """Several files from a stranger give one warning that counts them."""
    files = (PDF, Attachment("hop-dong.docx", "application/msword", 30_000))
    written = mail(sender=STRANGER, attachments=files)
    assert [{"name": "bao-gia.pdf", "why": "many", "count": "2"}] == risks(
        written, RiskKind.UNKNOWN_SENDER_ATTACHMENT
    )


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("setup.exe", "program"),
        ("photo.scr", "program"),
        ("invoice.js", "program"),
        ("run.vbs", "program"),
        ("start.bat", "program"),
        ("Report.lnk", "program"),
        ("update.ps1", "program"),
        ("page.hta", "program"),
        ("disk.iso", "disk_image"),
        ("Q4.xlsm", "macro"),
        ("contract.docm", "macro"),
        ("invoice.pdf.exe", "disguised"),
        ("scan.JPG.scr", "disguised"),
        ("invoice\u202efdp.exe", "disguised"),
        ("documents.zip", "archive"),
        ("f.zip.001", "archive"),
        ("parts.r01", "archive"),
        ("files.7z", "archive"),
        ("invoice.exe. . .", "program"),  # Windows drops the trailing dots and spaces
        ("addin.xll", "program"),
        ("notes.one", "program"),
        ("connect.rdp", "program"),
        ("console.msc", "program"),
        ("invoice.pdf.exe  ..", "disguised"),
    ],
)
def test_dangerous_attachment_names(name: str, why: str) -> None:
    """Programs, disk images, macro files, disguised names and outside archives are named."""
    written = mail(attachments=(Attachment(name, "application/octet-stream", 9_000),))
    assert [{"name": name, "why": why}] == risks(written, RiskKind.DANGEROUS_ATTACHMENT)


def test_program_declared_by_its_type() -> None:
    """A file declared as a Windows program is one, whatever its name."""
    written = mail(attachments=(Attachment("photo.jpg", "application/x-msdownload", 9_000),))
    assert [{"name": "photo.jpg", "why": "program"}] == risks(
        written, RiskKind.DANGEROUS_ATTACHMENT
    )


def test_a_strangers_web_page_is_named_in_the_warning_not_a_phishing_verdict() -> None:
    """A fake sign-in form as a file is the usual use of an .html attachment from a
    stranger: the warning says so. Alone it is no phishing verdict, and from a partner or
    a colleague (a booking confirmation, a signature's logo) it is nothing."""
    page = Attachment("Remittance.html", "text/html", 9_000)
    strangers = assess(mail(sender=STRANGER, attachments=(page,)), viewer())
    assert [
        (RiskKind.UNKNOWN_SENDER_ATTACHMENT, {"why": "web_page", "name": "Remittance.html"})
    ] == [(r.kind, dict(r.params)) for r in strangers]
    assert not looks_like_phishing(strangers)
    logo = Attachment("logo.svg", "image/svg+xml", 3_000)  # a signature's: not a file to open
    quote = Attachment("quote.pdf", "application/pdf", 90_000)
    assert [{"name": "quote.pdf"}] == risks(
        mail(sender=STRANGER, attachments=(quote, logo)), RiskKind.UNKNOWN_SENDER_ATTACHMENT
    )
    for sender in (COLLEAGUE, PARTNER):
        for name in ("Booking-Confirmation.html", "logo.svg"):
            attached = (Attachment(name, "text/html", 3_000),)
            assert [] == list(assess(mail(sender=sender, attachments=attached), viewer()))


def test_archive_from_a_colleague_is_fine() -> None:
    """A zip from inside the company is ordinary work."""
    written = mail(sender=COLLEAGUE, attachments=(Attachment("a.zip", "application/zip", 9_000),))
    assert [] == risks(written, RiskKind.DANGEROUS_ATTACHMENT)


def test_documents_are_not_dangerous() -> None:
    """A PDF or a Word file is not dangerous by its name."""
    files = (PDF, Attachment("hop-dong.docx", "application/msword", 30_000))
    assert [] == risks(mail(sender=STRANGER, attachments=files), RiskKind.DANGEROUS_ATTACHMENT)


# --- links -------------------------------------------------------------------------------


def test_link_showing_one_site_going_to_another() -> None:
    """A link whose text shows paypal.com but goes elsewhere is a mismatch."""
    written = mail(links=(Link("https://www.paypal.com/signin", "http://paypal.verify-id.ru/x"),))
    assert [{"shown": "www.paypal.com", "real": "paypal.verify-id.ru"}] == risks(
        written, RiskKind.LINK_MISMATCH
    )


@pytest.mark.parametrize(
    "link",
    [
        Link("click here", "https://evil.example.ru/"),
        Link("Xem chi tiết", "https://evil.example.ru/"),
        Link("www.acme.vn", "https://mail.acme.vn/track?id=1"),
        Link("acme.vn/bao-cao", "https://click.acme.vn/r/abc"),
        Link("https://partner.com.vn", "https://partner.com.vn/"),
        Link("setup.py", "https://github.com/acme/tool/blob/main/setup.py"),
        Link("sales@acme.vn", "mailto:sales@acme.vn"),
        Link(
            "www.acme.vn",
            "https://apc01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.acme.vn%2F&data=x",
        ),
    ],
)
def test_links_that_do_not_mismatch(link: Link) -> None:
    """Vague texts, the same registrable domain, Safe Links and trackers back to it are fine."""
    assert [] == risks(mail(links=(link,)), RiskKind.LINK_MISMATCH)


def test_redirect_to_another_site_is_a_mismatch() -> None:
    """A redirect that ends somewhere else than the text shows is a mismatch."""
    href = "https://t.news.com/r?u=https%3A%2F%2Fvietcombank-login.top%2F"
    written = mail(links=(Link("vietcombank.com.vn", href),))
    assert [{"shown": "vietcombank.com.vn", "real": "vietcombank-login.top"}] == risks(
        written, RiskKind.LINK_MISMATCH
    )


@pytest.mark.parametrize(
    ("href", "real"),
    [("http://203.0.113.42/login", "203.0.113.42"), ("http://3232235777/", "3232235777")],
)
def test_link_to_a_bare_ip_address(href: str, real: str) -> None:
    """A link to a bare IP address, dotted or as one number, is suspect whatever its text."""
    written = mail(links=(Link("Đăng nhập", href),))
    assert [{"why": "ip", "real": real}] == risks(written, RiskKind.LINK_MISMATCH)


def test_host_dressed_as_user_name() -> None:
    """A URL like "http://paypal.com@evil.ru/" shows paypal.com but goes to evil.ru."""
    written = mail(links=(Link("Log in", "http://paypal.com@evil.ru/"),))
    assert [{"shown": "paypal.com", "real": "evil.ru"}] == risks(written, RiskKind.LINK_MISMATCH)


# --- look-alike domains ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "target"),
    [
        ("service@paypa1.com", "paypal.com"),
        ("support@vietcombank-secure.com", "vietcombank.com.vn"),
        ("no-tra-loi@vietcornbank.com.vn", "vietcombank.com.vn"),
        ("ketoan@acme-vn.com", "acme.vn"),
        ("ketoan@acrne.vn", "acme.vn"),
        ("hoa@partnre.com.vn", "partner.com.vn"),
        ("security@xn--pypal-4ve.com", "paypal.com"),
        ("alert@paypal.com.verify.ru", "paypal.com"),
        ("it@micros0ft.com", "microsoft.com"),
        ("it@mıϲrosoft.com", "microsoft.com"),  # dotless ı, Greek lunate ϲ
        ("service@pɑypɑl.com", "paypal.com"),  # Latin alpha
        ("ketoan@acme.com", "acme.vn"),  # the company's own name under another ending
        ("giamdoc@acme.com.vn", "acme.vn"),
    ],
)
def test_lookalike_sender_domains(address: str, target: str) -> None:
    """Typos, homoglyphs, punycode, lure words and wrapping of a protected domain are caught."""
    written = mail(sender=Address(address))
    domain = address.partition("@")[2]
    assert [{"why": "sender", "domain": domain, "target": target}] == risks(
        written, RiskKind.LOOKALIKE_DOMAIN
    )


@pytest.mark.parametrize(
    "address",
    [
        "service@paypal.com",
        "service@mail.paypal.com",
        "orders@amazon.co.uk",
        "lan@acme.vn",
        "someone@mail.com",
        "friend@email.com",
        "hr@google-analytics.com",
    ],
)
def test_real_domains_are_not_lookalikes(address: str) -> None:
    """The real domain, its subdomains, the same name elsewhere and mere words are fine."""
    assert [] == risks(mail(sender=Address(address)), RiskKind.LOOKALIKE_DOMAIN)


def test_lookalike_link() -> None:
    """A link to a look-alike of the company's domain is named as a link."""
    written = mail(links=(Link("Cổng nhân viên", "https://portal.acme-login.com/"),))
    assert [{"why": "link", "domain": "portal.acme-login.com", "target": "acme.vn"}] == risks(
        written, RiskKind.LOOKALIKE_DOMAIN
    )


# --- credential requests -----------------------------------------------------------------

LINK = (Link("here", "https://example.org/a"),)


@pytest.mark.parametrize(
    ("text", "links", "expected"),
    [
        ("Please verify your account within 24 hours.", LINK, "verify your account"),
        ("Enter your password and OTP at the page below.", LINK, "Enter your password"),
        ("Vui lòng xác minh tài khoản của bạn tại đường dẫn sau.", LINK, "xác minh tài khoản"),
        ("Quý khách vui lòng nhập mật khẩu và mã OTP để tiếp tục.", LINK, "nhập mật khẩu"),
        ("Anh gửi lại mật khẩu email cho em qua thư này nhé.", (), "gửi lại mật khẩu"),
        ("vui long xac minh tai khoan tai day", LINK, "xac minh tai khoan"),
        ("Your mailbox has been suspended. Sign in to restore it.", LINK,
         "suspended. Sign in"),
    ],
)  # fmt: skip
def test_credential_requests(text: str, links: tuple[Link, ...], expected: str) -> None:
    """Requests to hand over a password or code, or to verify an account, are quoted."""
    written = mail(sender=STRANGER, text=text, links=links)
    assert [{"found": expected}] == risks(written, RiskKind.CREDENTIAL_REQUEST)


@pytest.mark.parametrize(
    ("text", "links"),
    [
        (
            "To change or re-enter your password, please copy and paste the URL below.\n"
            "http://mydomain.register.com/change_password.cgi",
            LINK,
        ),
        ("Mã OTP của bạn là 482913. Tuyệt đối không cung cấp mã OTP cho bất kỳ ai.", ()),
        ("We will never ask you to enter your password by email.", LINK),
        ("Please verify your account.", ()),
        ("The password policy changes on Monday: see the intranet.", LINK),
    ],
)
def test_not_credential_requests(text: str, links: tuple[Link, ...]) -> None:
    """A password reminder, a bank's OTP notice, a warning and a policy note do not fire."""
    assert [] == risks(mail(text=text, links=links), RiskKind.CREDENTIAL_REQUEST)


# --- financial requests ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sender", "text", "why", "expected"),
    [
        (PARTNER, "Our bank details have changed. Please pay the invoice to our new account.",
         "changed", "bank details have changed"),
        (PARTNER, "Công ty em đã thay đổi số tài khoản ngân hàng, anh chuyển giúp em nhé.",
         "changed", "thay đổi số tài khoản ngân hàng"),
        (STRANGER, "Please make a wire transfer of 5,000 USD today.", "payment", "wire transfer"),
        (STRANGER, "Vui lòng chuyển khoản vào số tài khoản 0123456789.", "payment", "chuyển khoản"),
        (STRANGER, "Send us your credit card number to confirm the order.", "payment",
         "credit card number"),
        (STRANGER, "I am the next of kin of a client who left 25 million US dollars.", "windfall",
         "next of kin"),
    ],
)  # fmt: skip
def test_financial_requests(sender: Address, text: str, why: str, expected: str) -> None:
    """Changed bank details (from anyone), payment asks from strangers and windfalls fire."""
    written = mail(sender=sender, text=text)
    assert [{"why": why, "found": expected}] == risks(written, RiskKind.FINANCIAL_REQUEST)


@pytest.mark.parametrize(
    ("sender", "text"),
    [
        (PARTNER, "Please make the bank transfer for invoice 42 as usual."),
        (COLLEAGUE, "Anh chuyển khoản tạm ứng cho em nhé."),
        (STRANGER, "IBM announced new accounting rules this week."),
        (STRANGER, "The company is worth 3 million dollars."),
        (STRANGER, "This email confirms that you paid xyz.com $12.00 using your bank account."),
    ],
)
def test_not_financial_requests(sender: Address, text: str) -> None:
    """Known partners' routine payments, colleagues, news and receipts do not fire."""
    assert [] == risks(mail(sender=sender, text=text), RiskKind.FINANCIAL_REQUEST)


# --- display names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "sender",
    [
        Address("x@evil.ru", "PayPal Support"),
        Address("test1@gmail.com", "lan@acme.vn"),
        Address("it@helpdesk-center.com", "ACME IT Helpdesk"),
        Address("boss@gmail.com", "Nguyễn Văn Minh"),
        Address("alerts@evil-spoof.example.org", "Bank of America Alerts"),
        Address("support@vcb-online.top", "Vietcombank"),
    ],
)
def test_spoofed_display_names(sender: Address) -> None:
    """A brand, an address, the company or the owner's own name from a foreign domain fires."""
    assert [{"name": sender.name, "domain": sender.domain}] == risks(
        mail(sender=sender), RiskKind.SPOOFED_DISPLAY_NAME
    )


@pytest.mark.parametrize(
    "sender",
    [
        Address("service@paypal.com", "PayPal"),
        Address("orders@amazon.co.uk", "Amazon.co.uk"),
        Address("lan@acme.vn", "Microsoft Teams admin"),
        Address("hoa@partner.com.vn", "Phạm Hoa"),
        Address("someone@gmail.com", ""),
    ],
)
def test_honest_display_names(sender: Address) -> None:
    """Brands writing from their own domain, colleagues and plain names do not fire."""
    assert [] == risks(mail(sender=sender), RiskKind.SPOOFED_DISPLAY_NAME)


# --- authentication ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "check"),
    [
        ({"Authentication-Results": "mx.acme.vn; spf=fail smtp.mailfrom=evil.ru"}, "SPF"),
        ({"Authentication-Results": "mx; dkim=fail header.d=x.com; dmarc=fail"}, "DKIM, DMARC"),
        ({"ARC-Authentication-Results": "i=1; mx; spf=softfail"}, "SPF"),
        ({"Received-SPF": "Fail (protection.outlook.com: domain does not designate)"}, "SPF"),
    ],
)
def test_failed_authentication(headers: dict[str, str], check: str) -> None:
    """SPF, DKIM or DMARC failures recorded by the receiving server are reported."""
    assert [{"check": check}] == risks(mail(headers=headers), RiskKind.AUTH_FAILED)


def test_passed_authentication() -> None:
    """Passing checks report nothing."""
    headers = {"Authentication-Results": "mx; spf=pass; dkim=pass; dmarc=pass"}
    assert [] == risks(mail(headers=headers), RiskKind.AUTH_FAILED)


# --- wording and verdict -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("risk", "en", "vi"),
    [
        (
            Risk(RiskKind.UNKNOWN_SENDER_ATTACHMENT, (("name", "invoice.pdf.exe"),)),
            "Attachment “invoice.pdf.exe” from a sender you have never written to: "
            "do not open it unless you expected it.",
            "Tệp đính kèm “invoice.pdf.exe” từ người gửi mà bạn chưa từng liên lạc: "
            "đừng mở nếu bạn không chờ tệp này.",
        ),
        (
            Risk(RiskKind.DANGEROUS_ATTACHMENT, (("name", "a.pdf.exe"), ("why", "disguised"))),
            "“a.pdf.exe” is a program disguised as a document: do not open it.",
            "“a.pdf.exe” là chương trình giả dạng tài liệu: đừng mở.",
        ),
        (
            Risk(RiskKind.LINK_MISMATCH, (("real", "evil.ru"), ("shown", "paypal.com"))),
            "A link shows “paypal.com” but leads to evil.ru: do not click it.",
            "Một liên kết hiển thị “paypal.com” nhưng thực ra dẫn tới evil.ru: đừng bấm vào.",
        ),
    ],
)
def test_describe_in_both_languages(risk: Risk, en: str, vi: str) -> None:
    """Each risk is one sentence in English and in Vietnamese, with what was found."""
    assert (en, vi) == (describe(risk, "en"), describe(risk, "vi"))


def test_every_risk_found_can_be_described() -> None:
    """Every variant a detector yields has a sentence in both languages."""
    texts = [(d.kind, why, text) for d in DETECTORS for why, text in d.texts.items()]
    missing = [(kind, why) for kind, why, text in texts if set(text) != {"en", "vi"}]
    assert [] == missing


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        ((), False),
        ((RiskKind.CREDENTIAL_REQUEST,), True),
        ((RiskKind.LINK_MISMATCH,), True),
        ((RiskKind.FINANCIAL_REQUEST,), False),
        ((RiskKind.UNKNOWN_SENDER_ATTACHMENT,), False),
        ((RiskKind.AUTH_FAILED,), False),
        ((RiskKind.FINANCIAL_REQUEST, RiskKind.AUTH_FAILED), True),
        ((RiskKind.FINANCIAL_REQUEST, RiskKind.FINANCIAL_REQUEST), False),
    ],
)
def test_looks_like_phishing(kinds: tuple[RiskKind, ...], expected: bool) -> None:
    """Deceptive kinds alone, or two weaker kinds together, mean "do not reply, report it"."""
    assert expected == looks_like_phishing([Risk(kind) for kind in kinds])


def test_a_clean_mail_has_no_risks() -> None:
    """An ordinary mail from a known partner raises nothing."""
    assert () == assess(mail(attachments=(PDF,)), viewer())


def test_at_most_three_risks_of_a_kind() -> None:
    """A mail with many bad files lists at most three of them."""
    files = tuple(Attachment(f"f{i}.exe", "application/octet-stream", 100) for i in range(5))
    assert 3 == len(risks(mail(attachments=files), RiskKind.DANGEROUS_ATTACHMENT))


def test_phishing_mail_end_to_end() -> None:
    """A Vietnamese bank phish: look-alike sender, spoofed name, mismatched link, credential ask."""
    written = mail(
        sender=Address("canhbao@vietcombank-secure.com", "Vietcombank"),
        to=(ME,),
        subject="Tài khoản của quý khách sẽ bị khóa",
        text="Vui lòng xác minh tài khoản trong vòng 24 giờ tại: vietcombank.com.vn",
        links=(Link("vietcombank.com.vn", "https://vietcombank-secure.com/xac-minh"),),
    )
    found = assess(written, viewer())
    assert ({
        RiskKind.LOOKALIKE_DOMAIN, RiskKind.SPOOFED_DISPLAY_NAME, RiskKind.LINK_MISMATCH,
        RiskKind.CREDENTIAL_REQUEST,
    }, True) == ({r.kind for r in found}, looks_like_phishing(found))  # fmt: skip


def test_two_senders_from_different_domains_are_a_forgery() -> None:
    """rspamd's phish_sender: "From: any@attack.com" then "From: admin@legitimate.com";
    the filter checks one, a mail client may show the other."""
    forged = mail(
        sender=Address("any@attack.com"), also_from=(Address("admin@legitimate.com", "Admin"),)
    )
    assert [{"why": "two_senders", "first": "any@attack.com", "other": "admin@legitimate.com"}] == (
        risks(forged, RiskKind.SPOOFED_DISPLAY_NAME)
    )


def test_two_authors_of_one_company_are_ordinary() -> None:
    """RFC 5322 allows several authors: two colleagues of one firm sign a letter together."""
    both = mail(sender=Address("a@firm.vn"), also_from=(Address("b@mail.firm.vn"),))
    assert [] == risks(both, RiskKind.SPOOFED_DISPLAY_NAME)


def test_the_companys_other_sites_and_free_mail_are_not_its_look_alikes() -> None:
    """The own-name rule is for who writes: a colleague's signature linking to the
    company's .com.vn site is no risk; nor is hotmail.co.uk when the owner's domain
    (INTERNAL_DOMAINS unset) is hotmail.com; nor the parent of a subdomain listed."""
    signature = Link("www.acme.com.vn", "https://www.acme.com.vn/")
    assert [] == list(assess(mail(sender=COLLEAGUE, links=(signature,)), viewer()))
    friend, head_office = Address("ban@hotmail.co.uk"), Address("giamdoc@acme.vn")
    hotmail, branch = frozenset({"hotmail.com"}), frozenset({"hanoi.acme.vn"})
    assert [] == risks(mail(sender=friend), RiskKind.LOOKALIKE_DOMAIN, internal_domains=hotmail)
    assert [] == risks(mail(sender=head_office), RiskKind.LOOKALIKE_DOMAIN, internal_domains=branch)


def test_an_unquoted_comma_in_a_name_is_not_a_second_sender() -> None:
    """ "From: Nguyen, Van A <a@partner.vn>" splits into "nguyen" and the address."""
    split = mail(sender=Address("nguyen"), also_from=(PARTNER,))
    assert [] == risks(split, RiskKind.SPOOFED_DISPLAY_NAME)
