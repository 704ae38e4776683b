"""Ids, addresses and names as long as a stranger likes are fitted to what the store keeps."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.core.mail import (
    ADDRESS_LIMIT,
    ID_LIMIT,
    KEY_LIMIT,
    NAME_LIMIT,
    Address,
    Folder,
    Mail,
    fitted_id,
)

AT = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
LONG_ID = "x" * 1_500 + "@spam.example"


def mail(**values: object) -> Mail:
    given = {"message_id": "m@x", "subject": "s", "sender": None, **values}
    return Mail(folder=Folder.INBOX, provider_id="1", received_at=AT, **given)  # type: ignore[arg-type]


@given(st.text(min_size=0, max_size=3_000), st.sampled_from([ID_LIMIT, KEY_LIMIT, ADDRESS_LIMIT]))
def test_a_fitted_id_fits_is_stable_and_leaves_real_ids_alone(value: str, limit: int) -> None:
    fitted = fitted_id(value, limit)
    assert len(fitted) <= limit
    assert fitted == fitted_id(value, limit)  # a reply naming it finds the same one
    assert (fitted == value) == (len(value) <= limit)


def test_two_long_ids_sharing_their_beginning_stay_apart() -> None:
    assert fitted_id(LONG_ID + "a") != fitted_id(LONG_ID + "b")


def test_a_reply_to_an_over_long_message_id_still_names_it() -> None:
    first = mail(message_id=LONG_ID)
    reply = mail(message_id="r@x", in_reply_to=LONG_ID, references=("a@x", LONG_ID))
    assert len(first.message_id) <= ID_LIMIT
    assert first.message_id == reply.in_reply_to == reply.references[1]
    assert "a@x" == reply.references[0]


def test_a_long_conversation_id_is_fitted() -> None:
    assert len(mail(conversation_id="c" * 400).conversation_id or "") <= KEY_LIMIT


def test_a_long_display_name_is_cut_and_a_long_address_stands_in() -> None:
    address = Address("a" * 400 + "@Spam.example", "Vietcombank " * 60)
    assert len(address.name) == NAME_LIMIT and address.name.endswith("…")
    assert address.name.startswith("Vietcombank Vietcombank")
    assert len(address.email) <= ADDRESS_LIMIT
    assert address.email == Address("a" * 400 + "@spam.example").email
    assert address.domain == "spam.example"  # what the look-alike checks read


def test_ordinary_values_are_untouched() -> None:
    address = Address(" Lan@SaoMai.vn ", "Trần Thị Lan")
    assert ("lan@saomai.vn", "Trần Thị Lan") == (address.email, address.name)
    same = mail(message_id="abc@x", in_reply_to="p@x", references=("p@x",), conversation_id="c")
    assert ("abc@x", "p@x", ("p@x",), "c") == (
        same.message_id,
        same.in_reply_to,
        same.references,
        same.conversation_id,
    )


def test_nul_characters_are_dropped_wherever_mail_carries_them() -> None:
    """PostgreSQL stores no string holding NUL: one in a subject failed the page for good."""
    from bot.core.mail import Attachment, Link

    sender = Address("mi\0nh@x.vn", "Mi\0nh")
    nul = mail(
        message_id="a\0@x",
        in_reply_to="p\0@x",
        references=("p\0@x",),
        conversation_id="c\0",
        sender=sender,
        subject="nul\0byte",
        text="body\0",
        headers={"list-id": "<l\0.x>"},
        links=(Link("t\0", "https://x\0.vn"),),
        attachments=(Attachment("a\0.pdf", "application/pdf\0", 1),),
    )
    carried = [
        nul.message_id, nul.in_reply_to, *nul.references, nul.conversation_id, nul.subject,
        nul.text, *nul.headers.values(), nul.links[0].text, nul.links[0].href,
        nul.attachments[0].name, nul.attachments[0].content_type, sender.email, sender.name,
    ]  # fmt: skip
    assert not any("\0" in (value or "") for value in carried)
    assert ("nulbyte", "minh@x.vn", "p@x") == (nul.subject, sender.email, nul.in_reply_to)
