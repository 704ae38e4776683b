"""The layers of DESIGN.md hold: imports only go down, and the core stays pure."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[1] / "bot"
CORE_ALLOWED = {"dateparser", "holidays", "ahocorasick"}  # computation only: no I/O
LAYERS = {"core": 0, "store": 1, "mail": 1, "chat": 1, "services": 2}


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules(folder: str) -> list[Path]:
    return sorted((BOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", modules("core"), ids=lambda p: p.name)
def test_core_imports_only_the_standard_library(path: Path) -> None:
    """No SQLAlchemy, Slack, Teams, Exchange, httpx or other adapter code in bot/core."""
    import sys

    foreign = {
        name
        for name in imports(path)
        if name.split(".")[0] not in sys.stdlib_module_names
        and name.split(".")[0] not in CORE_ALLOWED
        and not name.startswith("bot.core")
    }
    assert set() == foreign


@pytest.mark.parametrize("folder", ["store", "mail", "chat", "services", "core"])
def test_imports_only_go_down(folder: str) -> None:
    """A layer imports from layers below it, never from above or from the entry points."""
    level = LAYERS[folder]
    upward = set()
    for path in modules(folder):
        for name in imports(path):
            parts = name.split(".")
            if parts[0] != "bot" or len(parts) < 2:
                continue
            target = LAYERS.get(parts[1], 3)
            if target > level or (target == level and parts[1] != folder and folder != "services"):
                upward.add(f"{path.name} → {name}")
    assert set() == upward
