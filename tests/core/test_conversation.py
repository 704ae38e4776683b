"""Threading rules: subject keys, forwarded subjects, referenced ids, Outlook's quoted header."""

from __future__ import annotations

import pytest

from bot.core.conversation import (
    is_forward,
    quoted_original,
    quoted_sender_email,
    referenced_ids,
    subject_key,
)
from tests.core.mails import mail


@pytest.mark.parametrize(
    ("subject", "key"),
    [
        ("Re: RE: Fwd: Hello  World", "hello world"),
        ("TL: Trả lời: Báo giá", "báo giá"),
        ("Chuyển tiếp: Hợp đồng số 12", "hợp đồng số 12"),
        ("[ILUG] Re: test", "test"),
        ("Re[2]: x", "x"),
        ("AW: Antw: Angebot", "angebot"),
        ("FW: RE: Invoice #12", "invoice #12"),
        ("Is this it", "is this it"),
        ("", ""),
    ],
)
def test_subject_key_drops_prefixes_in_every_language(subject: str, key: str) -> None:
    """Reply and forward prefixes (English, Vietnamese, others) and list tags are dropped."""
    assert key == subject_key(subject)


def test_subject_key_folds_vietnamese_composition() -> None:
    """Decomposed and composed Vietnamese compare equal."""
    assert subject_key("Re: Ba\u0301o gia\u0301") == subject_key("Báo giá")


@pytest.mark.parametrize(
    ("subject", "forward"),
    [
        ("Fwd: a", True),
        ("FW: a", True),
        ("TR: a", True),
        ("Chuyển tiếp: a", True),
        ("Re: a", False),
        ("Forward planning", False),
    ],
)
def test_is_forward(subject: str, forward: bool) -> None:
    """Forwarded subjects are told apart from replies and from ordinary words."""
    assert forward == is_forward(subject)


def test_referenced_ids_nearest_first_without_self_or_duplicates() -> None:
    """In-Reply-To comes first, then References from the newest back."""
    m = mail(message_id="c", in_reply_to="b", references=("a", "b", "c"))
    assert ("b", "a") == referenced_ids(m)


def test_quoted_original_reads_outlooks_header_block() -> None:
    """The "-----Original Message-----" block gives sender, date and subject."""
    text = (
        "Thanks, done.\n\n -----Original Message-----\nFrom: \tKaminski, Vince "
        "<vkaminski@enron.com>\nSent:\tMonday, October 22, 2001 8:00 AM\nTo:\tX\n"
        "Subject:\tRE: Meeting\n\nbody"
    )
    quoted = quoted_original(text)
    assert quoted is not None
    assert ("Monday, October 22, 2001 8:00 AM", "RE: Meeting") == (quoted.sent, quoted.subject)
    assert "vkaminski@enron.com" == quoted_sender_email(quoted)


def test_quoted_original_in_vietnamese_outlook() -> None:
    """Vietnamese Outlook's field names are read too."""
    text = (
        "Đã nhận.\n-----Thư gốc-----\nTừ: Phạm Minh <minh@x.vn>\nĐã gửi: Thứ Hai\nChủ đề: Báo giá\n"
    )
    quoted = quoted_original(text)
    assert quoted is not None and ("Báo giá", "minh@x.vn") == (
        quoted.subject,
        quoted_sender_email(quoted),
    )


def test_no_quoted_original_in_plain_text() -> None:
    """Text without the block gives None."""
    assert quoted_original("From: me\nno separator here") is None
