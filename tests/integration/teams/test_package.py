"""The Teams app package: what the zip holds, the manifest's fields, the icons."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path

from integrations.settings import Settings
from integrations.teams.package import build_package

APP_ID = "00000000-0000-4000-8000-00000000b07a"


def _pixels(data: bytes) -> tuple[int, int, bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert (depth, colour) == (8, 6)  # 8-bit RGBA
    idat, offset = b"", 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        if kind == b"IDAT":
            idat += data[offset + 8 : offset + 8 + length]
        offset += 12 + length
    return width, height, zlib.decompress(idat)


def test_the_package_holds_a_valid_manifest_and_icons(tmp_path: Path) -> None:
    settings = Settings(MICROSOFT_APP_ID=APP_ID, PUBLIC_BASE_URL="https://peers.example.nl/app")
    out = build_package(tmp_path / "intervision-teams.zip", settings)
    with zipfile.ZipFile(out) as package:
        assert sorted(package.namelist()) == [
            "color.png",
            "manifest.json",
            "nl.json",
            "outline.png",
        ]
        manifest = json.loads(package.read("manifest.json"))
        nl = json.loads(package.read("nl.json"))
        color, outline = package.read("color.png"), package.read("outline.png")

    assert manifest["$schema"].endswith("/v1.20/MicrosoftTeams.schema.json")
    assert manifest["manifestVersion"] == "1.20" and manifest["id"] == APP_ID
    assert set(manifest["developer"]) == {"name", "websiteUrl", "privacyUrl", "termsOfUseUrl"}
    assert all(
        url.startswith("https://") for k, url in manifest["developer"].items() if k != "name"
    )
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert manifest["accentColor"].startswith("#") and len(manifest["accentColor"]) == 7
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    [bot] = manifest["bots"]
    assert bot["botId"] == APP_ID and set(bot["scopes"]) == {"personal", "team", "groupChat"}
    assert [c["scopes"] for c in bot["commandLists"]] == [["personal"], ["team"], ["groupChat"]]
    for command_list in bot["commandLists"]:
        assert [c["title"] for c in command_list["commands"]] == [
            "help",
            "start",
            "case",
            "goals",
            "tasks",
            "calendar",
            "away",
            "group",
            "schedule",
            "report",
        ]
    assert manifest["validDomains"] == ["peers.example.nl"]
    assert manifest["localizationInfo"] == {
        "defaultLanguageTag": "en-us",
        "additionalLanguages": [{"languageTag": "nl-nl", "file": "nl.json"}],
    }
    assert nl["name.short"] == "Intervision"
    assert nl["bots[0].commandLists[0].commands[2].title"] == "casus"

    width, height, _ = _pixels(color)
    assert (width, height) == (192, 192)
    width, height, rows = _pixels(outline)
    assert (width, height) == (32, 32)
    alphas = [rows[y * (1 + 32 * 4) + 1 + x * 4 + 3] for y in range(32) for x in range(32)]
    assert alphas[0] == 0 and set(alphas) == {0, 255}  # transparent, with a white outline
    assert all(
        rows[y * 129 + 1 + x * 4 : y * 129 + 1 + x * 4 + 3] == b"\xff\xff\xff"
        for y in range(32)
        for x in range(32)
        if rows[y * 129 + 1 + x * 4 + 3]
    )
