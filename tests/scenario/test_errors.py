"""Bad input gets one clear line and a non-zero exit, and loses nothing."""

from __future__ import annotations

import subprocess
import sys
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


def test_an_unreachable_database_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A PostgreSQL server that does not answer: one line saying so."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REPLYMINDER_DATABASE_URL", "postgresql://nobody@127.0.0.1:9/none")
    code, _, err = run(capsys, "threads", "a@b.vn", "--now", "2026-11-30T08:00")
    assert 1 == code and 1 == len(err.splitlines())
    assert err.startswith("replyminder: database unavailable:")


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
    code, _, err = world.run(
        "user", "add", LAN, "--name", "Lan", "--maildir", str(world.boxes[LAN])
    )
    assert (2, f"replyminder: user {LAN} already exists\n") == (code, err)


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
