"""Raw RFC 822 bytes → the core Mail: headers, dates, ids, text, links, attachments."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.mail import TEXT_LIMIT, Address, Attachment, Folder, Link, Mail
from bot.mail import body, viscii
from bot.mail.parse import MalformedMail, parse

FIXTURES = Path(__file__).parent / "fixtures"
ICT = timezone(timedelta(hours=7))
FILE_TIME = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def parsed(name: str, folder: Folder = Folder.INBOX, **kwargs: datetime) -> Mail:
    raw = (FIXTURES / name).read_bytes()
    return parse(raw, folder=folder, provider_id=f"{folder}/{name}", **kwargs)


def parse_raw(raw: bytes) -> Mail:
    return parse(raw, folder=Folder.INBOX, provider_id="inbox/raw", file_time=FILE_TIME)


def test_plain_english_headers_and_addresses() -> None:
    """Ids lose their brackets, References keep order without repeats, addresses are split."""
    mail = parsed("plain_english.eml")
    expected = {
        "message_id": "20260303021530.abc123@partner.example.com",
        "subject": "Quarterly figures for review",
        "sender": Address("alice@partner.example.com", "Alice Walker"),
        "to": (
            Address("bob@company.example", "Bob Tran"),
            Address("carol@company.example", "Lee, Carol"),
        ),
        "cc": (Address("team@company.example"),),
        "reply_to": (Address("desk@partner.example.com", "Alice Desk"),),
        "in_reply_to": "prev-2@company.example",
        "references": ("root-1@partner.example.com", "prev-2@company.example"),
        "sent_at": datetime(2026, 3, 3, 2, 15, 30, tzinfo=UTC),
        "received_at": datetime(2026, 3, 3, 9, 15, 42, tzinfo=ICT),
        "conversation_id": None,
    }
    assert expected == {name: getattr(mail, name) for name in expected}


def test_only_the_headers_triage_reads_are_kept() -> None:
    """Headers are lower-case and decoded; unrelated ones are dropped."""
    expected = {
        "return-path": "<alice@partner.example.com>",
        "authentication-results": "mx.company.example; spf=pass "
        "smtp.mailfrom=partner.example.com; dkim=pass header.d=partner.example.com",
        "importance": "High",
        "x-priority": "1 (Highest)",
        "x-mailer": "Example Mail 7.1",
    }
    assert expected == dict(parsed("plain_english.eml").headers)


def test_plain_text_is_tidied_and_its_urls_are_links() -> None:
    """Runs of spaces collapse; bare http(s) URLs become links without trailing punctuation."""
    mail = parsed("plain_english.eml")
    expected_links = (
        Link(
            "https://docs.partner.example.com/q3?id=7", "https://docs.partner.example.com/q3?id=7"
        ),
        Link("http://archive.partner.example.com/q2", "http://archive.partner.example.com/q2"),
    )
    assert "Please review the quarterly figures before Friday." in mail.text
    assert expected_links == mail.links


def test_vietnamese_encoded_words_and_utf8_body() -> None:
    """RFC 2047 subjects (split across words) and names decode to NFC Vietnamese."""
    mail = parsed("vietnamese_utf8.eml")
    expected = (
        "Báo cáo tháng 11 – cần anh duyệt gấp",
        Address("minh.nguyen@khachhang.vn", "Nguyễn Văn Minh"),
        (Address("huong@congty.vn", "Đặng Thị Hương"),),
        "Chào chị Hương,\n\nNhờ chị duyệt báo cáo tháng 11 trước thứ Sáu.\n\n"
        "Trân trọng,\nNguyễn Văn Minh",
    )
    assert expected == (mail.subject, mail.sender, mail.to, mail.text)


LETTER = "Kính gửi anh Minh,\nEm xin gửi báo cáo tiếng Việt.\nTrân trọng,\nĐặng Thị Hương"


def test_windows_1258_body_is_normalized_to_nfc() -> None:
    """windows-1258 writes tone marks as combining characters: the text comes out composed."""
    mail = parsed("windows1258.eml")
    assert (LETTER, "Báo cáo") == (mail.text, mail.subject)


def test_viscii_body_and_subject() -> None:
    """VISCII, which Python has no codec for, decodes through the module's own table."""
    mail = parsed("viscii.eml")
    assert (LETTER, "Tiếng Việt") == (mail.text, mail.subject)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"Vi\xaet Nam", "Việt Nam"),
        (b"\xd0\xa3ng", "Đặng"),
        (b"H\xdf\xbdng", "Hương"),
        (b"ti\xaang", "tiếng"),
        (b"\x02\x05\x06\x14\x19\x1e", "ẲẴẪỶỸỴ"),  # the six C0 bytes VISCII reuses
        (b"plain ascii", "plain ascii"),
    ],
)
def test_viscii_table_known_words(raw: bytes, expected: str) -> None:
    """The VISCII table maps known Vietnamese words (checked against glibc's iconv)."""
    assert expected == viscii.decode(raw)


def test_html_only_mail_gives_text_and_every_link() -> None:
    """Script, style, title and comments are not text; links keep their visible text."""
    mail = parsed("html_links.eml")
    expected_text = (
        "Thông báo\n\nQuý khách vui lòng xác nhận tài khoản:\n\n"
        "https://www.vietcombank.com.vn\n\nHạn 24 giờ\n\nTrợ giúp"
    )
    expected_links = (
        Link(
            "https://www.vietcombank.com.vn", "http://vietcombank-secure.example.net/login?u=1&t=2"
        ),
        Link("Trợ giúp", "https://help.example.org/faq"),
        Link("Logo", "https://img.example.org/x"),
    )
    assert (expected_text, expected_links) == (mail.text, mail.links)


def test_multipart_text_links_and_attachments() -> None:
    """Plain text wins over HTML; HTML links still count; attachments are metadata only."""
    mail = parsed("multipart_attachments.eml")
    expected_attachments = (
        Attachment("hợp đồng.pdf", "application/pdf", 108),
        Attachment("hóa đơn.exe", "application/octet-stream", 48),
        Attachment("Báo giá.eml", "message/rfc822", 248),
    )
    assert "Chào chị Hương,\n\nEm gửi hợp đồng và hóa đơn." == mail.text
    assert (Link("hợp đồng", "https://nhacungcap.vn/hd/42"),) == mail.links
    assert expected_attachments == mail.attachments


def test_missing_date_falls_back_to_the_top_received_header() -> None:
    """No Date: sent_at is None and received_at is when our server took it in."""
    mail = parsed("missing_date.eml")
    assert (None, datetime(2026, 3, 10, 16, 45, tzinfo=ICT)) == (mail.sent_at, mail.received_at)


def test_received_at_from_the_caller_wins() -> None:
    """A time the provider knows (its own delivery time) beats every header."""
    given = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    assert given == parsed("missing_date.eml", received_at=given).received_at


def test_sent_mail_is_placed_by_its_date() -> None:
    """In Sent, received_at is when it was sent (the Date), not a relay's Received time."""
    assert (
        datetime(2026, 3, 3, 2, 15, 30, tzinfo=UTC)
        == parsed("plain_english.eml", Folder.SENT).received_at
    )


def test_no_date_anywhere_uses_the_file_time() -> None:
    """Without Date or Received headers, the caller's file time places the message."""
    raw = b"From: a@example.com\nSubject: undated\n\nbody\n"
    mail = parse(raw, folder=Folder.INBOX, provider_id="inbox/x", file_time=FILE_TIME)
    assert (None, FILE_TIME) == (mail.sent_at, mail.received_at)


def test_broken_date_is_none() -> None:
    """An unreadable Date is None, not an error."""
    raw = b"From: a@example.com\nDate: sometime last week\n\nbody\n"
    assert parse_raw(raw).sent_at is None


def test_missing_message_id_is_made_up_and_stable() -> None:
    """A made-up id is the same on every parse of the same bytes."""
    first = parsed("missing_message_id.eml").message_id
    second = parsed("missing_message_id.eml").message_id
    assert first == second
    assert first.startswith("generated.") and first.endswith("@replyminder.invalid")


def test_made_up_ids_differ_between_messages() -> None:
    """Two messages without ids and with different bodies get different ids."""
    one, two = parse_raw(b"From: a@x.example\n\none\n"), parse_raw(b"From: a@x.example\n\ntwo\n")
    assert one.message_id != two.message_id


def test_broken_boundary_still_gives_the_text() -> None:
    """A multipart whose declared boundary is never used is cut at the one it does use."""
    expected = (
        "The boundary in the header is not the one used in the body.\n"
        "Please still read this sentence."
    )
    assert expected == parsed("broken_boundary.eml").text


def test_missing_closing_boundary_keeps_the_last_part() -> None:
    """A multipart cut off before its closing boundary still gives the parts it has."""
    raw = (
        b"From: a@x.example\nContent-Type: multipart/mixed; boundary=b\n\n"
        b"--b\nContent-Type: text/plain\n\nfirst part\n--b\nContent-Type: text/plain\n\nsecond"
    )
    assert "first part\n\nsecond" == parse_raw(raw).text


def test_wrong_transfer_encoding_reads_the_prose() -> None:
    """A body declared base64 that is plainly prose is read as it stands."""
    expected = "This body is plain text although the header says base64."
    assert expected == parsed("wrong_transfer_encoding.eml").text


def test_prose_is_told_from_base64_past_the_first_line() -> None:
    """Prose far from the start of the part still counts, within the 2 KB looked at; a
    tab between words is a space too."""
    encoded = base64.encodebytes(b"x" * 1500)  # 2,000 bytes without a space
    for gap in (b" ", b"\t"):
        raw = b"Content-Transfer-Encoding: base64\nFrom: a@x.example\n\n"
        assert "is prose" in parse_raw(raw + encoded + b"it" + gap + b"is prose\n").text
    raw = b"Content-Transfer-Encoding: base64\nFrom: a@x.example\n\n"
    assert parse_raw(raw + base64.encodebytes(b"plain base64 text")).text == "plain base64 text"


@given(st.binary(max_size=300))
def test_the_prose_check_agrees_with_its_pattern(head: bytes) -> None:
    assert body._prose(head) == (body._PROSE.search(head) is not None)


def test_undeclared_8bit_headers_and_body_fall_back_without_crashing() -> None:
    """Raw 8-bit bytes with no or a wrong charset decode by utf-8, then windows-1258."""
    raw = (
        (
            "From: Nguyễn Văn Minh <minh@x.example>\nSubject: Báo cáo\n"
            "Content-Type: text/plain; charset=us-ascii\n\n"
        ).encode()
        + "Chào anh".encode("cp1258")
        + b"\n"
    )
    mail = parse_raw(raw)
    expected = ("Báo cáo", Address("minh@x.example", "Nguyễn Văn Minh"), "Chào anh")
    assert expected == (mail.subject, mail.sender, mail.text)


@pytest.mark.parametrize("charset", [b"x-klingon", b"base64", b"\xff\xfe", b'"utf-8*vi"'])
def test_unknown_charset_falls_back(charset: bytes) -> None:
    """A charset no text codec knows is not an error: the fallbacks decode the body."""
    raw = b"From: a@x.example\nContent-Type: text/plain; charset=" + charset + b"\n\nCh\xc3\xa0o\n"
    assert "Chào" == parse_raw(raw).text


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000), st.sampled_from(list(FIXTURES.glob("*.eml"))))
def test_any_bytes_parse_or_are_malformed(noise: bytes, fixture: Path) -> None:
    """Whatever the bytes (a fixture with noise spliced in), parsing gives a Mail or
    MalformedMail, and every string in the Mail is valid Unicode."""
    raw = fixture.read_bytes()
    middle = len(raw) // 2
    try:
        mail = parse_raw(raw[:middle] + noise + raw[middle:])
    except MalformedMail:
        return
    strings = [mail.subject, mail.text, mail.message_id, *mail.references]
    strings += [link.text + link.href for link in mail.links]
    strings += [address.name + address.email for address in (*mail.to, *mail.cc, *mail.reply_to)]
    strings += [attachment.name for attachment in mail.attachments]
    assert [] == [text for text in strings if text != text.encode("utf-8", "replace").decode()]


def test_huge_body_text_is_capped() -> None:
    """A many-megabyte body parses, and only TEXT_LIMIT characters of text are kept."""
    line = "Dòng văn bản rất dài để thử giới hạn. https://example.com/a\n"
    body = base64.encodebytes((line * 200_000).encode())
    raw = (
        b"From: a@x.example\nSubject: huge\nDate: Mon, 16 Mar 2026 08:00:00 +0000\n"
        b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" + body
    )
    mail = parse(raw, folder=Folder.INBOX, provider_id="x")
    assert TEXT_LIMIT == len(mail.text)
    assert mail.text.startswith("Dòng văn bản rất dài")
    assert (Link("https://example.com/a", "https://example.com/a"),) == mail.links


def test_truncated_message_parses_what_is_there() -> None:
    """A message cut mid-attachment (the first bytes of a huge file) still parses."""
    raw = (FIXTURES / "multipart_attachments.eml").read_bytes()
    mail = parse(raw[: raw.index(b"JVBERi0x") + 20], folder=Folder.INBOX, provider_id="x")
    expected = ("multi-0001@nhacungcap.vn", ("hợp đồng.pdf",))
    assert expected == (mail.message_id, tuple(a.name for a in mail.attachments))


@pytest.mark.parametrize("raw", [b"", b"\n\n\n", b"\x00\x01\x02 binary junk \xff\xfe"])
def test_bytes_without_headers_are_malformed(raw: bytes) -> None:
    """Bytes with no header at all raise MalformedMail with a short reason."""
    with pytest.raises(MalformedMail, match="no mail headers"):
        parse_raw(raw)


def test_a_second_from_is_kept_beside_the_sender() -> None:
    """Forged mail carries two From fields: the first is the sender, the rest are kept for
    the spoofing check (they were dropped, and the forgery passed unseen)."""
    mail = parse_raw(
        b"From: any@attack.com\r\nFrom: Admin <admin@legitimate.com>\r\nTo: a@b.vn\r\n"
        b"Subject: x\r\nDate: Mon, 30 Nov 2026 08:00:00 +0700\r\n\r\nhi\r\n"
    )
    assert (Address("any@attack.com"), (Address("admin@legitimate.com", "Admin"),)) == (
        mail.sender,
        mail.also_from,
    )


def multipart(*parts: bytes) -> bytes:
    head = (
        b"From: x@evil.example\r\nTo: a@b.vn\r\nSubject: hoa don\r\n"
        b"Date: Mon, 30 Nov 2026 08:00:00 +0700\r\n"
        b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\n'
        b"Content-Type: text/plain\r\n\r\nXem tep dinh kem.\r\n"
    )
    return head + b"".join(b"--B\r\n" + part + b"\r\n" for part in parts) + b"--B--\r\n"


def test_a_part_named_two_ways_is_listed_under_the_name_that_warns() -> None:
    """Content-Disposition says invoice.pdf, Content-Type says invoice.exe: some mail
    programs show (and run) the latter, so the check must see it."""
    mail = parse_raw(multipart(
        b'Content-Type: application/octet-stream; name="invoice.exe"\r\n'
        b'Content-Disposition: attachment; filename="invoice.pdf"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n"
    ))  # fmt: skip
    assert ["invoice.exe"] == [a.name for a in mail.attachments]


def test_a_program_is_an_attachment_without_a_name_or_as_an_inline_text_part() -> None:
    """A nameless Windows program, and an inline text/html part named as an HTML
    application: both were dropped (the second read as body text), unchecked."""
    mail = parse_raw(multipart(
        b"Content-Type: application/x-msdownload\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"TVqQAAMAAAAEAAAA\r\n",
        b'Content-Type: text/html; name="update.hta"\r\nContent-Disposition: inline\r\n\r\n'
        b"<script>run()</script>\r\n",
    ))  # fmt: skip
    assert [
        ("application/x-msdownload", "application/x-msdownload"),
        ("update.hta", "text/html"),
    ] == [(a.name, a.content_type) for a in mail.attachments]
    assert "run()" not in mail.text


def test_an_inline_text_part_with_a_text_name_is_still_the_body() -> None:
    mail = parse_raw(multipart(
        b'Content-Type: text/plain; name="notes.txt"\r\nContent-Disposition: inline\r\n\r\n'
        b"Ghi chu cuoc hop\r\n",
    ))  # fmt: skip
    assert ([], True) == (list(mail.attachments), "Ghi chu cuoc hop" in mail.text)


def test_an_unquoted_comma_in_the_senders_name_leaves_one_sender() -> None:
    """Some in-house systems write "From: Nguyen, Van A <a@partner.vn>": the piece before
    the comma is no address (it became the sender, "nguyen", and a second From)."""
    mail = parse_raw(
        b"From: Nguyen, Van A <a@partner.vn>\r\nTo: b@c.vn\r\nSubject: x\r\n"
        b"Date: Mon, 30 Nov 2026 08:00:00 +0700\r\n\r\nhi\r\n"
    )
    assert ("a@partner.vn", ()) == (mail.sender.email if mail.sender else "", mail.also_from)


_URL_PIECES = st.sampled_from(
    ["http", "HTTPS", "hTtp", "s", "://", ":", "/", "x.vn", " ", ".", "h", "<"]
)


@given(st.lists(_URL_PIECES, max_size=16).map("".join))
def test_urls_are_those_the_pattern_finds_in_the_whole_text(text: str) -> None:
    """Looking for URLs only where "://" is finds what a search of the whole text finds."""
    expected = [found.group().rstrip(".,;:!?") for found in body._URL.finditer(text)]
    assert expected == list(body._urls(text))


def tidied_line_by_line(text: str) -> str:
    """The rule `body._tidy` keeps, as it was written: one line at a time."""
    lines = [
        " ".join(line.split()) if "  " in line or "\t" in line or "\xa0" in line else line.strip()
        for line in text.splitlines()
    ]
    kept = [line for at, line in enumerate(lines) if line or (at and lines[at - 1])]
    return "\n".join(kept).strip()[:TEXT_LIMIT]


_TEXT_PIECES = st.sampled_from(
    ["a", "b c", " ", "  ", "\t", "\xa0", "\u3000", "\n", "\r\n", "\x1c"]
)


@given(st.lists(_TEXT_PIECES, max_size=20).map("".join))
def test_tidy_trims_and_collapses_as_line_by_line(text: str) -> None:
    """Spaces collapsed where doubled, lines trimmed, blank runs down to one, as per line."""
    assert tidied_line_by_line(text) == body._tidy(text)
