"""Label readers on hand-written inputs: owners, notmuch trees, MHonArc, Outlook quotes."""

from __future__ import annotations

import gzip
from datetime import datetime
from pathlib import Path

from bot.core.mail import Folder
from bot.evaluation import corpora, enron, fedora, labels, notmuch

RAW = (
    b"From x@y  Mon Sep  2 12:29:05 2002\n"
    b"Delivered-To: jm@localhost.example.org\n"
    b"Received: from relay by mx.example.org for <jm@example.org>; Mon, 2 Sep 2002 12:00:00 +0100\n"
    b"From: Ann <ann@other.org>\nTo: Justin <jm@example.org>, bob@other.org\n"
    b"Subject: hi\nDate: Mon, 2 Sep 2002 11:59:00 +0100\nMessage-ID: <1@other.org>\n\nHello\n"
)


def test_the_owner_is_the_delivered_to_found_among_recipients() -> None:
    """Delivered-To's mailbox, as the recipients spell it, is whose mailbox this is."""
    message = corpora.parsed("x", RAW, Folder.INBOX)
    assert message is not None
    assert "jm@example.org" == labels.owner(message.raw, message.mail)


def test_without_delivered_to_the_envelope_recipient_is_the_owner() -> None:
    """The Received header's "for <…>" names the mailbox when Delivered-To is gone."""
    raw = RAW.replace(b"Delivered-To: jm@localhost.example.org\n", b"").replace(
        b"To: Justin <jm@example.org>", b"To: list@example.org"
    )
    message = corpora.parsed("x", raw, Folder.INBOX)
    assert message is not None
    assert "jm@example.org" == labels.owner(message.raw, message.mail)


TREE = """\
  2009-11-17  Ann                   ┬►[x] root                     (inbox)
  2009-11-17  Bob                   ├─►[x] reply one               (inbox)
  2009-11-18  Ann                   ╰┬►[x] reply two               (inbox)
  2009-11-18  Cid                    ╰─► ...                       (inbox)
  2009-11-19  Dan                   ─►[y] alone                    (inbox)
End of search results.
"""


def test_notmuch_tree_output_reads_as_shapes(tmp_path: Path) -> None:
    """Glyph depth gives the tree; two threads, order-free shapes."""
    path = tmp_path / "expected"
    path.write_text(TREE, encoding="utf-8")
    reply_two = (("2009-11-18", "Ann"), frozenset({(("2009-11-18", "Cid"), frozenset())}))
    root = (("2009-11-17", "Ann"), frozenset({(("2009-11-17", "Bob"), frozenset()), reply_two}))
    alone = (("2009-11-19", "Dan"), frozenset())
    assert [frozenset({root}), frozenset({alone})] == notmuch.expected_trees(path)


PAGE = """<UL><LI><A HREF="date.html">Date</A></LI></UL><HR><UL>
<li><strong><a name="00003" href="msg00003.html">Topic</a></strong>, <em>Ann</em>
<ul><li><strong><a name="00004" href="msg00004.html">Re: Topic</a></strong>, <em>Bob</em>
</li></ul></li>
<li><strong><a name="00001" href="msg00001.html">Other &amp; more</a></strong>, <em>Cid</em></li>
</UL>"""


def test_mhonarc_thread_index_reads_as_threads(tmp_path: Path) -> None:
    """Nested items join their thread; the thread is named by its first message."""
    path = tmp_path / "thread.html.gz"
    path.write_bytes(gzip.compress(PAGE.encode()))
    found = [(e.number, e.subject, e.author, e.thread) for e in fedora.index(path)]
    assert [
        (3, "Topic", "Ann", 3),
        (4, "Re: Topic", "Bob", 3),
        (1, "Other & more", "Cid", 1),
    ] == found


QUOTE = """Thanks.

 -----Original Message-----
From: 	Hayden, Frank [mailto:frank.hayden@enron.com]
Sent:	Tuesday, November 20, 2001 3:43 PM
To:	Allen, Phillip K.
Subject:	Chase  Backtest

old text
"""


def test_an_outlook_quote_is_read_as_sender_time_and_subject() -> None:
    """The first quoted header: display name, wall-clock time, folded subject."""
    assert enron.Quoted("Hayden, Frank", datetime(2001, 11, 20, 15, 43), "Chase Backtest") == (
        enron.quoted(QUOTE)
    )


def test_a_quoted_minute_matches_across_us_time_zones_only() -> None:
    """Central time two hours ahead of the Pacific date matches; seven hours does not."""
    pacific = datetime(2001, 11, 20, 13, 42, 33)
    assert (True, True, False) == (
        enron._same_minute(datetime(2001, 11, 20, 15, 43), pacific),
        enron._same_minute(datetime(2001, 11, 20, 13, 42), pacific),
        enron._same_minute(datetime(2001, 11, 20, 20, 43), pacific),
    )


def test_display_names_drop_addresses_and_the_enron_suffix() -> None:
    """X-From and quoted From reduce to the same display name."""
    assert ("JEFF SMITH", "Hayden, Frank") == (
        enron.display('"JEFF SMITH" <jsmith@austintx.com>@ENRON'),
        enron.display("Hayden, Frank </O=ENRON/OU=NA/CN=RECIPIENTS/CN=FHAYDEN>"),
    )


def test_mbox_splits_on_from_lines(tmp_path: Path) -> None:
    """Two messages in an mbox (gzip'd) come out as two."""
    data = RAW + b"\n" + RAW.replace(b"<1@other.org>", b"<2@other.org>")
    path = tmp_path / "box.txt.gz"
    path.write_bytes(gzip.compress(data))
    assert 2 == len(list(corpora.mbox(path)))
