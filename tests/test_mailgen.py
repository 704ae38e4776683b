"""The benchmark's generated Maildir: deterministic, realistic, and readable by the product."""

from __future__ import annotations

import hashlib
from pathlib import Path

from bot.core.mail import Folder
from bot.mail.parse import parse
from scripts import mailgen


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.glob("**/*/*") if p.parent.name in ("cur", "new"))


def _digest(root: Path) -> str:
    hashed = hashlib.sha256()
    for path in _files(root):
        hashed.update(path.name.encode() + path.read_bytes())
    return hashed.hexdigest()


def test_the_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    """Two runs with one seed write identical files; another seed writes others."""
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        mailgen.generate(tmp_path / name, 120, seed=seed)
    digests = [_digest(tmp_path / name) for name in "abc"]
    assert (True, False) == (digests[0] == digests[1], digests[0] == digests[2])


def test_messages_are_2_to_30_kb_and_every_one_parses(tmp_path: Path) -> None:
    """Every file is 2-30 KB, and the product's parser reads each as a mail with an id."""
    summary = mailgen.generate(tmp_path, 300, seed=7)
    files = _files(tmp_path)
    parsed = [parse(p.read_bytes(), folder=Folder.INBOX, provider_id=p.name) for p in files]
    assert (300, True, True) == (
        len(files),
        all(2 * 1024 <= p.stat().st_size <= 30 * 1024 for p in files),
        all(mail.message_id and mail.sender for mail in parsed),
    )
    assert 300 == summary.inbox + summary.sent


def test_the_mailbox_mixes_what_real_mail_holds(tmp_path: Path) -> None:
    """Both languages, HTML, attachments, threads, lists and replies in .Sent are all there."""
    mailgen.generate(tmp_path, 300, seed=7)
    mails = [
        parse(p.read_bytes(), folder=Folder.INBOX, provider_id=p.name) for p in _files(tmp_path)
    ]
    sent = list((tmp_path / ".Sent" / "cur").iterdir())
    found = {
        "vietnamese": any("ư" in m.text or "đ" in m.text for m in mails),
        "english": any(" the " in m.text for m in mails),
        "html links": any(m.links for m in mails),
        "attachments": any(m.attachments for m in mails),
        "replies": any(m.in_reply_to for m in mails),
        "lists": any(m.header("list-id") for m in mails),
        "sent": bool(sent),
    }
    assert dict.fromkeys(found, True) == found
