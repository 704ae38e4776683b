"""The core Outgoing → RFC 822 bytes: replies threaded, forwards with the original attached."""

from __future__ import annotations

import email
from datetime import UTC, datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage

import pytest

from bot.core.mail import Address, Outgoing
from bot.mail.compose import compose_forward, compose_reply

ICT = timezone(timedelta(hours=7))
DATE = datetime(2026, 12, 1, 9, 30, tzinfo=ICT)
HOLDING = Outgoing(
    sender=Address("minh@congty.vn", "Nguyễn Văn Minh"),
    to=(Address("hoa@khachhang.vn", "Trần Thị Hoa"), Address("an@khachhang.vn")),
    subject="Re: Báo cáo quý 3",
    body="Chào chị Hoa,\n\nEm sẽ trả lời đầy đủ trước thứ Sáu 4/12.\n\nMinh",
    message_id="hold-42@replyminder.congty.vn",
    marker="outbox-42",
    in_reply_to="q3-report@khachhang.vn",
    references=("thread-root@khachhang.vn",),
)
ORIGINAL = (
    b"From: =?utf-8?q?Tr=E1=BA=A7n_Th=E1=BB=8B_Hoa?= <hoa@khachhang.vn>\r\n"
    b"To: minh@congty.vn\r\nSubject: =?utf-8?q?B=C3=A1o_c=C3=A1o_qu=C3=BD_3?=\r\n"
    b"Message-ID: <q3-report@khachhang.vn>\r\nDate: Mon, 30 Nov 2026 16:00:00 +0700\r\n\r\n"
    b"Nh\xe1\xbb\x9d anh xem.\r\n"
)


def read(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_reply_headers() -> None:
    """A reply carries id, date, the user as sender, threading and the bot's marker."""
    message = read(compose_reply(HOLDING, DATE))
    expected = {
        "Message-ID": "<hold-42@replyminder.congty.vn>",
        "Date": "Tue, 01 Dec 2026 09:30:00 +0700",
        "From": "Nguyễn Văn Minh <minh@congty.vn>",
        "To": "Trần Thị Hoa <hoa@khachhang.vn>, an@khachhang.vn",
        "Subject": "Re: Báo cáo quý 3",
        "In-Reply-To": "<q3-report@khachhang.vn>",
        "References": "<thread-root@khachhang.vn> <q3-report@khachhang.vn>",
        "X-Replyminder": "outbox-42",
    }
    assert expected == {name: str(message[name]) for name in expected}


def test_reply_headers_are_7bit_with_encoded_words() -> None:
    """Vietnamese names and subjects go out as RFC 2047 encoded words, never raw bytes."""
    head = compose_reply(HOLDING, DATE).partition(b"\n\n")[0]
    assert head.isascii()
    assert b"=?utf-8?" in head


def test_reply_body_is_utf8_text() -> None:
    """The body is text/plain UTF-8 and reads back exactly."""
    message = read(compose_reply(HOLDING, DATE))
    body = message.get_body(("plain",))
    assert body is not None
    assert (HOLDING.body + "\n", "utf-8") == (body.get_content(), body.get_content_charset())


def test_reply_without_thread_has_no_threading_headers() -> None:
    """A message that answers nothing has neither In-Reply-To nor References."""
    fresh = Outgoing(HOLDING.sender, HOLDING.to, "Hello", "Hi", "new-1@x.example", "m-1")
    message = read(compose_reply(fresh, DATE))
    assert (None, None) == (message["In-Reply-To"], message["References"])


def test_a_line_break_cannot_reach_a_header() -> None:
    """A subject with line breaks is flattened, so it cannot add headers."""
    sneaky = Outgoing(HOLDING.sender, HOLDING.to, "Hi\r\nBcc: evil@x.example", "b", "s@x", "m")
    message = read(compose_reply(sneaky, DATE))
    assert ("Hi Bcc: evil@x.example", None) == (str(message["Subject"]), message["Bcc"])


def test_naive_date_is_refused() -> None:
    """A message date without a time zone is a programming error."""
    with pytest.raises(ValueError, match="time zone"):
        compose_reply(HOLDING, datetime(2026, 12, 1, 9, 30))


FORWARD = Outgoing(
    sender=Address("minh@congty.vn", "Nguyễn Văn Minh"),
    to=(Address("ketoan@congty.vn", "Phòng Kế toán"),),
    subject="Fwd: Báo cáo quý 3",
    body="Nhờ phòng kế toán xem giúp.",
    message_id="fwd-7@replyminder.congty.vn",
    marker="outbox-7",
)


def test_forward_is_the_note_then_the_original() -> None:
    """A forward is multipart/mixed: the note first, the original as message/rfc822."""
    message = read(compose_forward(FORWARD, ORIGINAL, DATE))
    parts = list(message.iter_parts())
    expected = (
        "multipart/mixed",
        ["text/plain", "message/rfc822"],
        "Nhờ phòng kế toán xem giúp.\n",
        "Báo cáo quý 3.eml",
        "outbox-7",
    )
    actual = (
        message.get_content_type(),
        [part.get_content_type() for part in parts],
        parts[0].get_content(),
        parts[1].get_filename(),
        str(message["X-Replyminder"]),
    )
    assert expected == actual


def test_forward_keeps_the_original_bytes() -> None:
    """The attached original is byte for byte the original (line ends made LF)."""
    raw = compose_forward(FORWARD, ORIGINAL, DATE)
    assert ORIGINAL.replace(b"\r\n", b"\n") in raw
    attached = read(raw).get_payload()[1].get_payload(0)  # type: ignore[index]
    assert "<q3-report@khachhang.vn>" == attached["Message-ID"]


def test_forward_is_deterministic() -> None:
    """The same forward composes to the same bytes (the boundary comes from the id)."""
    assert compose_forward(FORWARD, ORIGINAL, DATE) == compose_forward(FORWARD, ORIGINAL, DATE)


def test_a_long_vietnamese_subject_keeps_its_spaces() -> None:
    """The subject reads back exactly, however long (the stdlib's folding lost spaces)."""
    subject = "Re: KHẨN: Xác nhận đơn hàng PO-2311 trước 15h hôm nay, giao hàng tại kho Bình Dương"
    message = Outgoing(
        sender=Address("lan@saomai.vn", "Trần Thị Lan"),
        to=(Address("minh@x.vn", "Phạm Minh"),),
        subject=subject,
        body="Dạ.",
        message_id="a@saomai.vn",
        marker="hold:1:2026-12-04",
    )
    raw = compose_reply(message, datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    assert subject == email.message_from_bytes(raw, policy=policy.default)["Subject"]
