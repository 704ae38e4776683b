"""`python -m scripts.slack_try`: the real `replyminder web` process serving a fake Slack."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_new_user_lists_gets_reminded_and_closes_one_from_slack() -> None:
    """Lan's DM, a reminder pass and a click on Done, through separate processes."""
    done = subprocess.run(
        [sys.executable, "-m", "scripts.slack_try"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    shown = done.stdout
    assert 0 == done.returncode, done.stderr
    expected = [
        "› Trần Thị Lan writes “danh sách” → HTTP 200",
        "*📋 Email đang chờ bạn (4), xếp theo mức độ gấp:*",
        "*📬 Phạm Minh đang chờ bạn trả lời*",
        "   buttons: rm_snooze, rm_hold, rm_forward, rm_cmd:3",
        "› clicks “Xong” on the first reminder → HTTP 200",
        "✔ Đã đóng #1.",
    ]
    assert expected == [line for line in expected if line in shown.splitlines()]
