"""Exchange faults: throttling honoured, broken connections and refusals as one clear line."""

from __future__ import annotations

import random
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import trustme

from bot.core.mail import Folder
from bot.core.ports import MailboxUnavailable, MailError
from bot.mail.exchange import EwsConfig, ExchangeProvider
from tests.exchange.conftest import HUONG, MINH, config, mailbox, since
from tests.exchange.fake_ews import FakeEws


def subjects(provider: ExchangeProvider, fake: FakeEws, who: tuple[str, str] = HUONG) -> list[str]:
    return [
        m.subject
        for p in provider.sync(mailbox(who), Folder.INBOX, None, since(fake))
        for m in p.mails
    ]


def failure(provider: ExchangeProvider, fake: FakeEws, who: tuple[str, str] = HUONG) -> str:
    with pytest.raises(MailError) as raised:
        subjects(provider, fake, who)
    assert 1 == len(str(raised.value).splitlines())
    return str(raised.value)


@pytest.fixture
def one_mail(fake: FakeEws) -> None:
    fake.deliver(HUONG[1], "Báo giá", MINH)


@pytest.mark.usefixtures("one_mail")
def test_server_busy_waits_the_back_off_it_names(
    fake: FakeEws, provider: ExchangeProvider, sleeps: list[float]
) -> None:
    """ErrorServerBusy with BackOffMilliseconds=1500: one wait of 1.5 s (+ up to 10% jitter)."""
    fake.fail("busy", "SyncFolderItems", back_off_ms=1500)
    assert ["Báo giá"] == subjects(provider, fake)
    assert 1 == len(sleeps) and 1.5 <= sleeps[0] <= 1.65


@pytest.mark.usefixtures("one_mail")
@pytest.mark.parametrize("status", ["429", "503"])
def test_429_and_503_wait_their_retry_after(
    fake: FakeEws, provider: ExchangeProvider, sleeps: list[float], status: str
) -> None:
    """HTTP 429 (which exchangelib does not retry) and 503: Retry-After honoured, with jitter."""
    fake.fail(status, "GetItem", retry_after=3)
    assert ["Báo giá"] == subjects(provider, fake)
    assert 1 == len(sleeps) and 3.0 <= sleeps[0] <= 3.3


@pytest.mark.usefixtures("one_mail")
def test_without_a_hint_the_waits_double(
    fake: FakeEws, provider: ExchangeProvider, sleeps: list[float]
) -> None:
    """503 without Retry-After, three times: about 1, 2 and 4 seconds."""
    fake.fail("503", "SyncFolderItems", times=3)
    assert ["Báo giá"] == subjects(provider, fake)
    assert [1, 2, 4] == [int(s) for s in sleeps]


@pytest.mark.usefixtures("one_mail")
def test_a_back_off_longer_than_the_patience_puts_the_pass_off(
    fake: FakeEws, provider: ExchangeProvider, sleeps: list[float]
) -> None:
    """Exchange asks for 297.7 s (a real fault's value), over MAX_WAIT: no wait, one MailError."""
    fake.fail("busy", "SyncFolderItems", back_off_ms=297749)
    message = failure(provider, fake)
    assert ([], True) == (
        sleeps,
        message.startswith("Exchange is busy (ErrorServerBusy) and asked to wait 3"),
    )
    assert message.endswith("s while syncing inbox; the next pass carries on")


def test_a_wrong_password_fails_at_the_first_request(fake: FakeEws, sleeps: list[float]) -> None:
    """401 is never taken for throttling: MailboxUnavailable after one request, no retry."""
    provider = ExchangeProvider(config(fake, password="wrong"), sleep=sleeps.append)
    with pytest.raises(MailboxUnavailable) as raised:
        subjects(provider, fake)
    expected = f"Exchange at {fake.url} refused the credentials of svc-replyminder@corp.example"
    assert (1, []) == (fake.requests, sleeps)
    assert str(raised.value).startswith(expected)


@pytest.mark.usefixtures("one_mail")
def test_an_html_error_page_is_one_line_without_the_page(
    fake: FakeEws, provider: ExchangeProvider
) -> None:
    """IIS's HTML 500 instead of SOAP: MailError naming the status, never quoting the page."""
    fake.fail("html500", "SyncFolderItems")
    expected = (
        f"Exchange at {fake.url} answered HTTP 500 that is not EWS "
        "(is EWS_URL the …/EWS/Exchange.asmx?)"
    )
    assert expected == failure(provider, fake)


def test_an_unreachable_server_is_unavailable(sleeps: list[float]) -> None:
    """Nothing listens at EWS_URL: MailboxUnavailable at once, saying why."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/EWS/Exchange.asmx"
    provider = ExchangeProvider(
        EwsConfig(url=url, auth="basic", username="u", password="p"), sleep=sleeps.append
    )
    with pytest.raises(MailboxUnavailable) as raised:
        list(provider.sync(mailbox(), Folder.INBOX, None, datetime(2026, 11, 16, tzinfo=UTC)))
    assert (f"cannot reach Exchange at {url}: Connection refused", []) == (
        str(raised.value),
        sleeps,
    )


def test_a_mailbox_the_account_may_not_impersonate(
    fake: FakeEws, provider: ExchangeProvider
) -> None:
    """ErrorImpersonateUserDenied: unavailable, pointing at the ApplicationImpersonation role."""
    fake.denied.add(HUONG[1])
    expected = (
        "svc-replyminder@corp.example may not impersonate huong@saomai.vn "
        "(it needs the ApplicationImpersonation role; see the README)"
    )
    assert expected == failure(provider, fake)


def test_a_mailbox_exchange_does_not_have(fake: FakeEws, provider: ExchangeProvider) -> None:
    """ErrorNonExistentMailbox: unavailable, naming the address."""
    assert "Exchange has no mailbox ghost@saomai.vn" == failure(
        provider, fake, ("Ma", "ghost@saomai.vn")
    )


@pytest.fixture
def ca(tmp_path: Path) -> tuple[trustme.CA, Path]:
    """The company's own certificate authority, and its PEM file (what EWS_CA_BUNDLE names)."""
    authority = trustme.CA()
    bundle = tmp_path / "corp-ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    return authority, bundle


@pytest.fixture
def tls_fake(ca: tuple[trustme.CA, Path]) -> Iterator[FakeEws]:
    server = FakeEws(certificate=ca[0].issue_cert("127.0.0.1"))
    server.mailbox(HUONG[1], HUONG[0])
    server.deliver(HUONG[1], "Báo giá", MINH)
    yield server
    server.close()


def test_a_private_ca_bundle_is_trusted(
    tls_fake: FakeEws, ca: tuple[trustme.CA, Path], sleeps: list[float]
) -> None:
    """HTTPS with the company's own CA: trusted through EWS_CA_BUNDLE, refused without it."""
    trusting = ExchangeProvider(config(tls_fake, ca_bundle=ca[1]), sleep=sleeps.append)
    assert ["Báo giá"] == subjects(trusting, tls_fake)


def test_an_untrusted_certificate_says_what_to_set(tls_fake: FakeEws, sleeps: list[float]) -> None:
    """Without the bundle: unavailable, naming REPLYMINDER_EWS_CA_BUNDLE."""
    provider = ExchangeProvider(config(tls_fake), sleep=sleeps.append)
    expected = (
        f"cannot talk to Exchange at {tls_fake.url}: "
        "its TLS certificate is not trusted (set REPLYMINDER_EWS_CA_BUNDLE)"
    )
    assert expected == failure(provider, tls_fake)


def oauth2(fake: FakeEws, ca: tuple[trustme.CA, Path], secret: str) -> EwsConfig:
    """App-only OAuth2 against the fake's own token endpoint, which knows "app-id"."""
    fake.apps["app-id"] = "app-secret"
    return config(
        fake,
        auth="oauth2",
        username="",
        password="",
        client_id="app-id",
        client_secret=secret,
        tenant_id="saomai",
        authority=fake.origin,
        ca_bundle=ca[1],
    )


def test_oauth2_client_credentials(
    tls_fake: FakeEws, ca: tuple[trustme.CA, Path], sleeps: list[float]
) -> None:
    """An app-only token from the fake Entra endpoint, then EWS with a bearer and impersonation."""
    good = ExchangeProvider(oauth2(tls_fake, ca, "app-secret"), sleep=sleeps.append)
    assert (["Báo giá"], 1) == (subjects(good, tls_fake), len(tls_fake.tokens))


def test_a_wrong_oauth2_secret_is_one_clear_line(
    tls_fake: FakeEws, ca: tuple[trustme.CA, Path], sleeps: list[float]
) -> None:
    """Entra says invalid_client: unavailable, no token, no EWS call."""
    bad = ExchangeProvider(oauth2(tls_fake, ca, "wrong"), sleep=sleeps.append)
    expected = "the token endpoint refused the EWS app's credentials (invalid_client)"
    assert (expected, 0) == (failure(bad, tls_fake), tls_fake.count())


@pytest.fixture
def ntlm_fake(fake: FakeEws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeEws:
    """The fake offering NTLM only (IIS's default), knowing one domain service account."""
    users = tmp_path / "ntlm-users"
    users.write_text("CONGTY:svc-replyminder:Service-Pa55\n", encoding="utf-8")
    monkeypatch.setenv("NTLM_USER_FILE", str(users))
    fake.ntlm = True
    fake.accounts.clear()  # no Basic
    return fake


@pytest.mark.usefixtures("one_mail")
def test_ntlm_service_account_signs_in_once_per_connection(
    ntlm_fake: FakeEws, sleeps: list[float]
) -> None:
    """EWS_AUTH=ntlm (the default) with DOMAIN\\user: the handshake, verified by the fake's
    NTLM acceptor, then the sync's requests on the signed-in connection."""
    settings = {"auth": "ntlm", "username": "CONGTY\\svc-replyminder", "password": "Service-Pa55"}
    provider = ExchangeProvider(config(ntlm_fake, **settings), sleep=sleeps.append)
    assert (["Báo giá"], ["CONGTY\\svc-replyminder"]) == (
        subjects(provider, ntlm_fake),
        ntlm_fake.ntlm_sign_ins,
    )
    assert len(ntlm_fake.calls) > 1  # several SOAP calls, one handshake


def test_a_wrong_ntlm_password_is_one_clear_line(ntlm_fake: FakeEws, sleeps: list[float]) -> None:
    """The NTLM answer does not verify: unavailable, saying the credentials were refused."""
    settings = {"auth": "ntlm", "username": "CONGTY\\svc-replyminder", "password": "wrong"}
    provider = ExchangeProvider(config(ntlm_fake, **settings), sleep=sleeps.append)
    expected = (
        f"Exchange at {ntlm_fake.url} refused the credentials of CONGTY\\svc-replyminder "
        "(check EWS_USERNAME/EWS_PASSWORD)"
    )
    assert (expected, [], []) == (
        failure(provider, ntlm_fake),
        ntlm_fake.calls,
        ntlm_fake.ntlm_sign_ins,
    )


def test_sending_is_patient_too(
    fake: FakeEws, provider: ExchangeProvider, sleeps: list[float]
) -> None:
    """A 429 while sending a holding reply: waited out, and the reply goes once."""
    from tests.exchange.test_send import HOLD

    original = fake.deliver(HUONG[1], "Báo giá tháng 12", MINH)
    fake.fail("429", "SendItem", retry_after=2)
    provider.reply(mailbox(), original.id, HOLD)
    assert (1, 1) == (len(fake.sent), len(sleeps))


def test_rng_makes_jitter_repeatable(fake: FakeEws) -> None:
    """The same seed gives the same waits (jitter comes from the injected generator)."""
    waits: list[list[float]] = []
    for _ in range(2):
        recorded: list[float] = []
        fake.fail("busy", "SyncFolderItems", back_off_ms=1000)
        provider = ExchangeProvider(config(fake), sleep=recorded.append, rng=random.Random(3))
        subjects(provider, fake)
        waits.append(recorded)
    assert waits[0] == waits[1]
