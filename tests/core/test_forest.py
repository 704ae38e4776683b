"""Conversation trees and who a sent mail answers (bot/core/conversation.py, issue 8)."""

from __future__ import annotations

from datetime import timedelta

from bot.core.conversation import (
    Node,
    answered_address,
    continues,
    forest,
    name_fits,
    tree_size,
)
from bot.core.mail import Address, Folder, Mail
from tests.core.mails import ME, NOW, PARTNER, mail


def message(mid: str, minutes: int, irt: str | None = None, refs: tuple[str, ...] = ()) -> Mail:
    return mail(message_id=mid, received_at=NOW + timedelta(minutes=minutes), in_reply_to=irt,
                references=refs)  # fmt: skip


def shape(nodes: tuple[Node, ...] | tuple[()]) -> list[tuple[str, list[object]]]:
    return [(n.mail.message_id, shape(n.replies)) for n in nodes]


def test_replies_hang_from_the_nearest_message_that_is_there() -> None:
    """In-Reply-To first, then References from the last; a missing one is skipped."""
    mails = [
        message("root", 0),
        message("child", 1, irt="root", refs=("root",)),
        message("late", 2, irt="missing", refs=("root", "child", "missing")),
    ]
    assert [[("root", [("child", [("late", [])])])]] == [shape(t) for t in forest(mails)]


def test_messages_sharing_a_missing_ancestor_are_one_conversation() -> None:
    """Two answers to a ghost are one conversation with two top-level messages."""
    mails = [message("a", 0, refs=("ghost",)), message("b", 1, refs=("ghost",))]
    assert [[("a", []), ("b", [])]] == [shape(t) for t in forest(mails)]


def test_a_reference_loop_is_cut_at_its_oldest_message() -> None:
    """Two messages replying to each other: one thread, the older on top, no hang."""
    mails = [message("new", 5, irt="old"), message("old", 1, irt="new")]
    assert [[("old", [("new", [])])]] == [shape(t) for t in forest(mails)]


def test_a_long_chain_is_linear_and_complete() -> None:
    """Ten thousand messages in one chain: one thread holding them all."""
    mails = [message("m0", 0)] + [message(f"m{i}", i, irt=f"m{i - 1}") for i in range(1, 10_000)]
    threads = forest(mails)
    assert (1, 10_000) == (len(threads), tree_size(threads[0]))


def test_a_message_id_seen_twice_counts_once() -> None:
    """Duplicate copies of one Message-ID are one message (the first copy)."""
    mails = [message("same", 0), mail(message_id="same", subject="other copy")]
    assert [[("same", [])]] == [shape(t) for t in forest(mails)]


def test_continues_knows_replies_and_forwards() -> None:
    """ "RE:", "Fwd:", "TL:" subjects or reply headers continue a conversation."""
    assert (True, True, True, False) == (
        continues(mail(subject="RE: x")),
        continues(mail(subject="TL: Báo giá")),
        continues(mail(in_reply_to="a@b")),
        continues(mail(subject="Hello")),
    )


def test_name_fits_directory_addresses() -> None:
    """ "Hayden, Frank" fits frank.hayden@…, not frank.smith@…; one word is not enough."""
    assert (True, False, False) == (
        name_fits("Hayden, Frank", Address("frank.hayden@enron.com")),
        name_fits("Hayden, Frank", Address("frank.smith@enron.com")),
        name_fits("Frank", Address("frank.hayden@enron.com")),
    )


def test_a_reply_all_answers_the_quoted_sender_wherever_he_is_in_to() -> None:
    """The quoted "From:" says whom a reply answers, not the first recipient."""
    text = (
        "Agreed.\n\n-----Original Message-----\nFrom: Pham, Hoa [mailto:hoa@partner.com.vn]\n"
        "Sent: Thursday, December 03, 2026 9:00 AM\nSubject: Báo giá\n"
    )
    sent = mail(folder=Folder.SENT, sender=ME, to=(Address("x@other.vn"), PARTNER), text=text)
    assert "hoa@partner.com.vn" == answered_address(sent)


def test_a_quoted_name_picks_the_recipient_it_fits() -> None:
    """An internal quote names no address: the recipient whose address fits the name."""
    text = "Ok.\n\n-----Original Message-----\nFrom: Tran, Lan\nSent: Monday\nSubject: x\n"
    to = (Address("a@acme.vn"), Address("lan.tran@acme.vn"))
    assert "lan.tran@acme.vn" == answered_address(mail(folder=Folder.SENT, to=to, text=text))
