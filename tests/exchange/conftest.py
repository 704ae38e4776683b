"""Fixtures for the Exchange provider: a fake EWS server per test, and a provider pointed at it.

exchangelib keeps process-wide state that would leak from one test into the next:
its Protocol cache (even failed protocols, per endpoint and credentials), the
extended properties registered on `Message`, and the HTTP adapter class a CA
bundle installs. Every test that uses these fixtures leaves all three as found.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from exchangelib.protocol import BaseProtocol, Protocol

from bot.core.ports import Mailbox
from bot.mail.exchange import EwsConfig, ExchangeProvider
from bot.mail.exchange_connect import untrust_all
from bot.mail.exchange_items import deregister_properties
from tests.exchange.fake_ews import PASSWORD, SERVICE_ACCOUNT, FakeEws

HUONG = ("Trần Thu Hương", "huong@saomai.vn")
MINH = ("Nguyễn Văn Minh", "minh@doitac.vn")
LAN = ("Lê Thị Lan", "lan@saomai.vn")


@pytest.fixture(autouse=True)
def clean_exchangelib() -> Iterator[None]:
    adapter = BaseProtocol.HTTP_ADAPTER_CLS
    yield
    Protocol.clear_cache()
    deregister_properties()
    untrust_all()
    BaseProtocol.HTTP_ADAPTER_CLS = adapter


@pytest.fixture
def fake() -> Iterator[FakeEws]:
    """Hương's and Lan's mailboxes; its clock: Mon 30 Nov 2026, 08:00 UTC+7."""
    server = FakeEws()
    server.mailbox(HUONG[1], HUONG[0])
    server.mailbox(LAN[1], LAN[0])
    yield server
    server.close()


@pytest.fixture
def sleeps() -> list[float]:
    """The back-offs the provider asked for (recorded instead of slept)."""
    return []


def config(fake: FakeEws, **changes: object) -> EwsConfig:
    values: dict[str, object] = {
        "url": fake.url,
        "auth": "basic",
        "username": SERVICE_ACCOUNT,
        "password": PASSWORD,
        "max_wait": 30.0,
    }
    values.update(changes)
    return EwsConfig(**values)  # type: ignore[arg-type]


@pytest.fixture
def provider(fake: FakeEws, sleeps: list[float]) -> ExchangeProvider:
    return ExchangeProvider(config(fake), sleep=sleeps.append, rng=random.Random(7))


def mailbox(person: tuple[str, str] = HUONG) -> Mailbox:
    return Mailbox(person[1], "exchange", person[1])


def since(fake: FakeEws, days: int = 14) -> datetime:
    return fake.clock - timedelta(days=days)
