"""Corpus files as the evaluation reads them: where they are, and their raw messages.

Messages are parsed by the product's own parser (`bot.mail.parse.parse`), exactly as
the Maildir provider would; the file's mtime stands in for the delivery time only when
a message has no date at all.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Final

from bot.core.mail import Folder, Mail
from bot.mail.parse import MalformedMail, parse

NOT_MAIL: Final = frozenset({"SOURCE.md", ".DS_Store"})
_MBOX_FROM: Final = re.compile(rb"^From \S+ +\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}", re.M)


class CorpusMissing(LookupError):
    """A corpus folder the evaluation needs is not there."""


def default_root() -> Path:
    """../shared/corpora beside the checkout this package was loaded from."""
    return Path(__file__).resolve().parents[2].parent / "shared" / "corpora"


def folder(root: Path, *parts: str) -> Path:
    path = root.joinpath(*parts)
    if not path.is_dir():
        raise CorpusMissing(f"{path} is missing (is --corpora pointing at shared/corpora?)")
    return path


def files(directory: Path) -> list[Path]:
    """Every message file under `directory`, sorted by path (a stable order)."""
    found = (p for p in directory.rglob("*") if p.is_file() and p.name not in NOT_MAIL)
    return sorted(found)


def sample(items: Sequence[Path], size: int | None) -> list[Path]:
    """At most `size` items spread evenly over the sequence (all of it when None)."""
    if size is None or size >= len(items):
        return list(items)
    step = len(items) / size
    return [items[int(i * step)] for i in range(size)]


@dataclass(frozen=True, slots=True)
class Message:
    """One corpus message: where it came from, its bytes, and the product's reading."""

    name: str
    raw: bytes
    mail: Mail


def read(path: Path, root: Path, box: Folder = Folder.INBOX) -> Message | None:
    """A file through the product's parser; None when there is no mail in it."""
    raw = path.read_bytes()
    return parsed(str(path.relative_to(root)), raw, box, path.stat().st_mtime)


def parsed(name: str, raw: bytes, box: Folder, mtime: float = 0.0) -> Message | None:
    try:
        mail = parse(
            raw,
            folder=box,
            provider_id=name,
            file_time=datetime.fromtimestamp(mtime, UTC),
        )
    except MalformedMail:
        return None
    return Message(name, raw, mail)


def mbox(path: Path) -> Iterator[bytes]:
    """The messages of an mbox file (gzip'd when it ends in .gz), "From " lines kept."""
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    starts = [m.start() for m in _MBOX_FROM.finditer(data)] + [len(data)]
    for begin, end in pairwise(starts):
        yield data[begin:end]
