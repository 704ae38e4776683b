"""`replyminder teams-package`: the zip an administrator uploads to Teams."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from bot.cli import main

APP_ID = "8C1F6A9E-5F0B-4A43-9D55-3B8D2F0C7E21"
TEAMS_ENV = {
    "REPLYMINDER_TEAMS_APP_ID": APP_ID,
    "REPLYMINDER_TEAMS_APP_PASSWORD": "not-a-secret",
    "REPLYMINDER_TEAMS_TENANT_ID": "72f988bf-86f1-41af-91ab-2d7cd011db47",
    "REPLYMINDER_INTERNAL_DOMAINS": "saomai.vn",
}


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> zipfile.ZipFile:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    for name, value in TEAMS_ENV.items():
        monkeypatch.setenv(name, value)
    assert 0 == main(["teams-package", "--out", str(tmp_path / "rm.zip")])
    return zipfile.ZipFile(tmp_path / "rm.zip")


def png_size_and_pixels(raw: bytes) -> tuple[int, int, list[tuple[int, ...]]]:
    width, height = struct.unpack(">II", raw[16:24])
    data = zlib.decompress(raw[raw.index(b"IDAT") + 4 : raw.index(b"IEND") - 8])
    stride = 1 + width * 4
    pixels = [
        tuple(data[row * stride + 1 + x * 4 : row * stride + 5 + x * 4])
        for row in range(height)
        for x in range(width)
    ]
    return width, height, pixels


def test_the_package_holds_the_manifest_the_translation_and_two_icons(
    package: zipfile.ZipFile,
) -> None:
    """What Teams needs at the top of the zip, nothing else."""
    expected = ["manifest.json", "vi-vn.json", "color.png", "outline.png"]
    assert expected == package.namelist()


def test_the_manifest_names_the_bot_in_personal_scope(package: zipfile.ZipFile) -> None:
    """The app id (lower-case GUID) is both the app's and the bot's; 1:1 chat only."""
    manifest = json.loads(package.read("manifest.json"))
    bot = manifest["bots"][0]
    assert (APP_ID.lower(), APP_ID.lower(), ["personal"]) == (
        manifest["id"],
        bot["botId"],
        bot["scopes"],
    )
    assert "https://saomai.vn" == manifest["developer"]["websiteUrl"]


def test_the_command_menu_comes_from_the_grammar_in_both_languages(
    package: zipfile.ZipFile,
) -> None:
    """The menu offers the commands the bot parses, in English and (vi-vn.json) Vietnamese."""
    manifest = json.loads(package.read("manifest.json"))
    english = [c["title"] for c in manifest["bots"][0]["commandLists"][0]["commands"]]
    localized = json.loads(package.read("vi-vn.json"))
    vietnamese = [v for k, v in localized.items() if k.endswith("].title")]
    assert ["list", "snooze", "hold", "forward", "done", "not important", "important", "help"] == (
        english
    )
    expected = ["danh sách", "hoãn", "hẹn", "chuyển tiếp", "xong", "không quan trọng", "quan trọng"]
    assert [*expected, "giúp"] == vietnamese


def test_the_icons_have_the_sizes_teams_asks_for(package: zipfile.ZipFile) -> None:
    """Colour 192x192; outline 32x32, white on transparent."""
    color_width, color_height, _ = png_size_and_pixels(package.read("color.png"))
    width, height, pixels = png_size_and_pixels(package.read("outline.png"))
    colours = {pixel[:3] for pixel in pixels if pixel[3]}
    assert ((192, 192), (32, 32), {(255, 255, 255)}) == (
        (color_width, color_height),
        (width, height),
        colours,
    )


def test_without_an_app_id_it_says_what_to_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One line on stderr naming the setting, a non-zero exit, no zip."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REPLYMINDER_TEAMS_APP_ID", raising=False)
    code = main(["teams-package", "--out", str(tmp_path / "rm.zip")])
    expected = (
        "replyminder: set REPLYMINDER_TEAMS_APP_ID (the Azure Bot's Microsoft App ID) first\n"
    )
    assert (2, expected, False) == (code, capsys.readouterr().err, (tmp_path / "rm.zip").exists())
