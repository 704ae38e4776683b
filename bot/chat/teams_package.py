"""Teams: the app package an administrator uploads (`replyminder teams-package`).

A zip of manifest.json (the bot's app id, personal scope only, the command menu),
vi-vn.json (the Vietnamese names, descriptions and commands), and the two icons
drawn by scripts/teams_icons.py. The static parts live in teams/ at the top of
the repository; the command menu is generated from the command grammar, so it
says what the bot understands, in both languages.
"""

from __future__ import annotations

import json
import re
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

from bot.core.commands import GRAMMAR
from bot.core.i18n import render

TEAMS = Path(__file__).resolve().parents[2] / "teams"
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_TITLE, _DESCRIPTION = 32, 128  # manifest limits for a bot command (schema v1.17)


class PackageError(ValueError):
    """The package cannot be built; the message says what to set."""


def build(out: Path, app_id: str, website: str, developer: str, folder: Path = TEAMS) -> Path:
    """Write the package to `out`; returns its path."""
    if not _GUID.match(app_id):
        raise PackageError(
            "set REPLYMINDER_TEAMS_APP_ID to the Azure Bot's Microsoft App ID (a GUID) first"
        )
    if not website.startswith("https://"):
        raise PackageError(f"--website must be an https:// address, not {website!r}")
    values = {"BOT_ID": app_id.lower(), "VERSION": metadata.version("replyminder")}
    values |= {"DEVELOPER": developer, "WEBSITE": website, "PRIVACY": website, "TERMS": website}
    manifest = _fill(_load(folder / "manifest.template.json"), values)
    manifest["bots"][0]["commandLists"][0]["commands"] = _commands("en")
    localized = _load(folder / "vi-vn.template.json") | _localized_commands("vi")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        package.writestr("vi-vn.json", json.dumps(localized, ensure_ascii=False, indent=2))
        for icon in ("color.png", "outline.png"):
            package.write(folder / icon, icon)
    return out


def _load(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise PackageError(f"{path} is missing (it comes with the repository's teams/ folder)")
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _fill(value: Any, values: dict[str, str]) -> Any:
    """Every "{{NAME}}" in the template's strings replaced by its value."""
    if isinstance(value, str):
        for name, filled in values.items():
            value = value.replace("{{" + name + "}}", filled)
        return value
    if isinstance(value, dict):
        return {key: _fill(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, values) for item in value]
    return value


def _commands(locale: str) -> list[dict[str, str]]:
    """The command menu: each verb, with its usage and what it does (from the grammar)."""
    commands = []
    for grammar in GRAMMAR:
        usage = render(grammar.usage, locale)
        described = f"{usage}: {render(grammar.summary, locale)}"
        commands.append(
            {"title": usage.split(" [")[0][:_TITLE], "description": described[:_DESCRIPTION]}
        )
    return commands


def _localized_commands(locale: str) -> dict[str, str]:
    prefix = "bots[0].commandLists[0].commands"
    localized = {}
    for index, command in enumerate(_commands(locale)):
        localized[f"{prefix}[{index}].title"] = command["title"]
        localized[f"{prefix}[{index}].description"] = command["description"]
    return localized
