"""Bad input gets one clear line and a non-zero exit, and loses nothing."""

from __future__ import annotations

import mailbox
import signal
import socket
import sqlite3
import subprocess
import sys
from operator import itemgetter
from pathlib import Path

import pytest

from bot.cli import main
from tests.scenario.conftest import LAN, World


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_bad_setting_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """REPLYMINDER_WORK_HOURS=8-5: the setting is named, no traceback."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REPLYMINDER_WORK_HOURS", "8-5")
    code, out, err = run(capsys, "sync", "--now", "2026-11-30T08:00")
    assert (2, "") == (code, out)
    assert [
        "replyminder: REPLYMINDER_WORK_HOURS: expected spans like 08:00-12:00,13:00-17:00, "
        "got '8-5'"
    ] == err.splitlines()


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("REPLYMINDER_TEMPLATES_DIR", "/nonexistent/templates", "no such folder"),
        ("REPLYMINDER_REPEAT_HOURS", "inf", "less than or equal to 2000"),
    ],
)
def test_settings_that_could_never_work_are_refused_at_start(
    name: str,
    value: str,
    said: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """A templates folder that is not there, repeats every infinite hours: named, exit 2."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(name, value)
    code, _, err = run(capsys, "status", "--now", "2026-11-30T08:00")
    assert 2 == code and [f"replyminder: {name}:"] == [
        line[: len(name) + 14] for line in err.splitlines()
    ]
    assert said in err


def test_a_broken_routing_file_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """PyYAML's three-line complaint becomes one line saying where."""
    monkeypatch.chdir(tmp_path)
    routing = tmp_path / "routing.yaml"
    routing.write_text("teams:\n  - alias: x\n    email: a@b: c\n", encoding="utf-8")
    monkeypatch.setenv("REPLYMINDER_ROUTING_FILE", str(routing))
    code, _, err = run(capsys, "status", "--now", "2026-11-30T08:00")
    assert 1 == code
    problem = "line 3, column 15: mapping values are not allowed here"
    assert [f"replyminder: routing file {routing}: {problem}"] == err.splitlines()


def test_an_unreachable_database_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A PostgreSQL server that does not answer: one line saying so."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REPLYMINDER_DATABASE_URL", "postgresql://nobody@127.0.0.1:9/none")
    code, _, err = run(capsys, "threads", "a@b.vn", "--now", "2026-11-30T08:00")
    assert 1 == code and 1 == len(err.splitlines())
    assert err.startswith("replyminder: database unavailable:")


def test_a_database_folder_that_cannot_be_made_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A file where the database's folder should be: one line naming the folder (it was
    "unexpected error: FileExistsError(17, 'File exists')")."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").write_text("not a folder")
    monkeypatch.setenv("REPLYMINDER_DATABASE_URL", f"sqlite:///{tmp_path}/data/sub/db.sqlite")
    code, _, err = run(capsys, "threads", "a@b.vn", "--now", "2026-11-30T08:00")
    assert 1 == code and 1 == len(err.splitlines())
    assert err.startswith(f"replyminder: cannot make the database's folder {tmp_path}/data/sub: ")


def test_unknown_user_and_bad_time(world: World) -> None:
    """An unknown user and an unreadable --now are each one line."""
    code, _, err = world.run("threads", "nobody@saomai.vn")
    expected = "replyminder: no user 'nobody@saomai.vn' (add one with: replyminder user add)"
    assert (1, [expected]) == (code, err.splitlines())
    with pytest.raises(SystemExit) as raised:
        main(["threads", LAN, "--now", "monday"])
    assert 2 == raised.value.code


def test_registration_refuses_what_it_cannot_use(world: World, tmp_path: Path) -> None:
    """A folder that is not a Maildir, a second registration: refused, nothing changed."""
    code, _, err = world.run(
        "user", "add", "x@saomai.vn", "--name", "X", "--maildir", str(tmp_path / "nowhere")
    )
    assert 2 == code and "is not a Maildir" in err
    (tmp_path / "half" / "new").mkdir(parents=True)  # every sync would say "no Maildir"
    code, _, err = world.run(
        "user", "add", "x@saomai.vn", "--name", "X", "--maildir", str(tmp_path / "half")
    )
    assert (2, f"replyminder: {tmp_path / 'half'} is not a Maildir (no cur/ inside)\n") == (
        code,
        err,
    )
    code, _, err = world.run(
        "user", "add", LAN, "--name", "Lan", "--maildir", str(world.boxes[LAN])
    )
    assert (2, f"replyminder: user {LAN} already exists\n") == (code, err)
    for email, name, more, said in (
        ("@", "X", [], "'@' is not an email address"),
        ("x@", "X", [], "'x@' is not an email address"),
        ("x@saomai.vn", " ", [], "--name: the user's name is needed"),
        ("x@saomai.vn", "X", ["--timezone", ""], "--timezone: empty"),
    ):
        code, _, err = world.run(
            "user", "add", email, "--name", name, *more, "--maildir", str(world.boxes[LAN])
        )
        assert (2, f"replyminder: {said}") == (code, err[: len(said) + 13])
    assert [] == [line for line in world.ok("status").splitlines() if "x@" in line]


def test_a_locked_database_waits_then_says_so(world: World) -> None:
    """SQLite busy: the command waits, and does not lose the store (WAL keeps readers going)."""
    code, _, _ = world.run("tick")
    assert 0 == code
    threads = world.json("threads", LAN, "--all")
    assert threads


def test_python_dash_m_bot_is_the_same_program(tmp_path: Path) -> None:
    """`python -m bot --help` lists the commands of the contract."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    for command in (
        "db",
        "user",
        "sync",
        "remind",
        "tick",
        "chat",
        "threads",
        "run",
        "web",
        "worker",
        "demo",
        "status",
    ):
        assert command in result.stdout


def test_registration_checks_zone_and_hours(world: World, tmp_path: Path) -> None:
    """A wrong --timezone or --work-hours is one line, and no user is added."""
    box = str(world.boxes[LAN])
    for flag, value, said in (
        ("--timezone", "Mars/Base", "unknown time zone"),
        ("--work-hours", "9-6", "expected spans"),
    ):
        code, _, err = world.run(
            "user", "add", "new@saomai.vn", "--name", "N", flag, value, "--maildir", box
        )
        assert 2 == code and said in err
    code, _, err = world.run("threads", "new@saomai.vn")
    assert 1 == code and "no user" in err


@pytest.mark.parametrize(
    ("command", "said"),
    [
        ("tick", "print JSON lines, one per message sent"),
        ("remind", "print JSON lines, one per message sent"),
        ("chat", "print one JSON object"),
        ("threads", "print a JSON array of threads"),
    ],
)
def test_each_json_flag_says_what_it_prints(
    command: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--help` names the shape `--json` prints: lines, one object or an array."""
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert said in " ".join(capsys.readouterr().out.split())


def test_a_file_that_is_no_database_or_a_newer_ones_schema_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Pointed at a text file, or at a database a newer Replyminder migrated: said plainly."""
    monkeypatch.chdir(tmp_path)
    text = tmp_path / "notes.db"
    text.write_text("not a database " * 40, encoding="utf-8")
    monkeypatch.setenv("REPLYMINDER_DATABASE_URL", f"sqlite:///{text}")
    assert (1, "replyminder: database unusable: file is not a database\n") == itemgetter(0, 2)(
        run(capsys, "status", "--now", "2026-11-30T08:00")
    )
    newer = tmp_path / "newer.db"
    monkeypatch.setenv("REPLYMINDER_DATABASE_URL", f"sqlite:///{newer}")
    assert 0 == run(capsys, "db", "upgrade", "--now", "2026-11-30T08:00")[0]
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'f00dcafe0099'")
    code, _, err = run(capsys, "status", "--now", "2026-11-30T08:00")
    assert 1 == code
    assert err.startswith("replyminder: the database's schema (f00dcafe0099) is newer than")
    assert 1 == len(err.splitlines())


def test_a_port_in_use_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`web` on a port another program holds: the port is named, no traceback."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REPLYMINDER_DATABASE_URL", f"sqlite:///{tmp_path / 'r.db'}")
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # `web` would take SIGTERM over
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.setenv("REPLYMINDER_PORT", str(port))
        code, _, err = run(capsys, "web", "--now", "2026-11-30T08:00")
    assert 2 == code
    said = [line for line in err.splitlines() if line.startswith("replyminder:")]
    assert [f"replyminder: cannot listen on port {port}:"] == [
        s[: len(str(port)) + 36] for s in said
    ]
    assert "address already in use" in err and "Traceback" not in err


def test_control_characters_strangers_wrote_never_reach_the_terminal(world: World) -> None:
    """A subject holding an escape sequence (or one typed into a command and echoed back)
    would drive the operator's terminal: what the CLI prints holds no control character."""
    mailbox.Maildir(world.boxes[LAN], create=False).add(
        b"From: Minh <minh@vinaplast.vn>\r\nTo: lan@saomai.vn\r\n"
        b"Subject: =?utf-8?q?G=E1=BA=A5p=1B]0;pwned=07_=1B[31mdo?=\r\n"
        b"Message-ID: <esc-1@vinaplast.vn>\r\nDate: Mon, 30 Nov 2026 07:30:00 +0700\r\n\r\n"
        b"Chi xac nhan giup em nhe?\r\n"
    )
    printed = [world.run("tick", now="2026-11-30T08:00")[1], world.ok("threads", LAN)]
    printed.append(world.ok("chat", LAN, "hoãn #1 2h\x1b[31m\x07", now="2026-11-30T08:05"))
    assert "]0;pwned" in printed[1] and "2h[31m" in printed[2]  # the text, without ESC or BEL
    assert not [text for text in printed if "\x1b" in text or "\x07" in text]


def test_chat_text_that_is_no_utf8_is_refused_in_one_line(world: World) -> None:
    """Bytes a terminal sent in another encoding arrive as lone surrogates."""
    with pytest.raises(SystemExit) as refused:
        world.run("chat", LAN, "xong #3 \udced\udca0\udc80")
    assert 2 == refused.value.code
    last = world.capsys.readouterr().err.strip().splitlines()[-1]
    assert last.endswith("argument text: not valid UTF-8 (check the terminal's encoding)")


def test_the_log_says_when_and_spares_the_health_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A service's log is read hours later: each line has its time. aiohttp's access log
    (a line per health check) stays out at INFO."""
    import logging
    import re

    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    monkeypatch.setattr(root, "level", root.level)  # put back after the test
    from bot import cli

    cli._logging("INFO")
    try:
        record = logging.LogRecord("bot.worker", logging.INFO, "", 0, "worker started", (), None)
        line = root.handlers[0].format(record)
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d INFO bot.worker: worker started", line)
        assert not logging.getLogger("aiohttp.access").isEnabledFor(logging.INFO)
    finally:
        root.handlers.clear()
