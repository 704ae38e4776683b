"""Smoke test on real and adversarial mail: every corpus message parses, with an id."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.mail import Folder
from bot.mail.parse import parse
from tests.conftest import corpus

CORPORA = ("spamassassin-public-corpus", "rspamd-test-messages")


def messages(name: str) -> list[Path]:
    files = sorted(path for path in corpus(name).rglob("*") if path.is_file())
    return [path for path in files if path.name != "SOURCE.md"]


@pytest.mark.corpora
@pytest.mark.parametrize("name", CORPORA)
def test_every_corpus_message_parses_with_an_id(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """No exception and a non-empty message id for every file; throughput is printed only."""
    files = messages(name)
    raws = [(path.read_bytes(), path.stat().st_mtime) for path in files]
    started = time.perf_counter()
    mails = [
        parse(
            raw,
            folder=Folder.INBOX,
            provider_id=str(at),
            file_time=datetime.fromtimestamp(mtime, UTC),
        )
        for at, (raw, mtime) in enumerate(raws)
    ]
    took = time.perf_counter() - started
    assert [] == [str(path) for path, mail in zip(files, mails, strict=True) if not mail.message_id]
    size = sum(len(raw) for raw, _ in raws) / len(raws) / 1024
    with capsys.disabled():
        print(
            f"\n{name}: {len(raws)} messages, {size:.1f} KB on average, {len(raws) / took:,.0f}/s"
        )
