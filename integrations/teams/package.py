"""The Teams app package: manifest.json (en), nl.json, and two icons, in one zip.

Icons are drawn here with zlib and struct only: a colour icon (192×192) and a
transparent white outline icon (32×32), as the Teams store requires.
"""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from core.i18n import t
from core.interactions import Locale
from core.views.home import COMMANDS
from integrations.settings import Settings

MANIFEST_SCHEMA = (
    "https://developer.microsoft.com/json-schemas/teams/v1.20/MicrosoftTeams.schema.json"
)
ACCENT = (0x2E, 0x6B, 0x5E)  # a calm green
APP_VERSION = "1.0.0"
SCOPES = ["personal", "team", "groupChat"]


def build_package(out_path: Path, settings: Settings) -> Path:
    if not settings.MICROSOFT_APP_ID:
        raise ValueError("MICROSOFT_APP_ID is required to build the Teams app package")
    with zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest(settings), indent=2))
        package.writestr("nl.json", json.dumps(localization("nl"), indent=2, ensure_ascii=False))
        package.writestr("color.png", color_icon())
        package.writestr("outline.png", outline_icon())
    return out_path


def manifest(settings: Settings) -> dict[str, Any]:
    base = (settings.PUBLIC_BASE_URL or "https://intervision.example.org").rstrip("/")
    host = urlparse(base).hostname or "intervision.example.org"
    return {
        "$schema": MANIFEST_SCHEMA,
        "manifestVersion": "1.20",
        "version": APP_VERSION,
        "id": settings.MICROSOFT_APP_ID,
        "developer": {
            "name": "Intervision",
            "websiteUrl": base,
            "privacyUrl": f"{base}/privacy",
            "termsOfUseUrl": f"{base}/terms",
        },
        "name": {"short": "Intervision", "full": t("teams.package_name_full", "en")},
        "description": {
            "short": t("teams.package_description_short", "en"),
            "full": t("teams.package_description_full", "en"),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*ACCENT),
        "bots": [
            {
                "botId": settings.MICROSOFT_APP_ID,
                "scopes": SCOPES,
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [
                    {"scopes": [scope], "commands": commands("en")} for scope in SCOPES
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "authorization": {
            "permissions": {
                # thread replies reach the bot without an @mention
                "resourceSpecific": [{"name": "ChannelMessage.Read.Group", "type": "Application"}]
            }
        },
        "validDomains": [host],
        "webApplicationInfo": {"id": settings.MICROSOFT_APP_ID, "resource": f"api://{host}"},
        "localizationInfo": {
            "defaultLanguageTag": "en-us",
            "additionalLanguages": [{"languageTag": "nl-nl", "file": "nl.json"}],
        },
    }


def commands(locale: Locale) -> list[dict[str, str]]:
    return [
        {"title": t(f"command.{name}", locale), "description": t(f"help.{name}", locale)[:128]}
        for name in COMMANDS
    ]


def localization(locale: Locale) -> dict[str, Any]:
    """The strings of the manifest in another language (Teams' localization file)."""
    strings: dict[str, Any] = {
        "$schema": "https://developer.microsoft.com/json-schemas/teams/v1.20/MicrosoftTeams.Localization.schema.json",
        "name.short": "Intervision",
        "name.full": t("teams.package_name_full", locale),
        "description.short": t("teams.package_description_short", locale),
        "description.full": t("teams.package_description_full", locale),
    }
    for index, _ in enumerate(SCOPES):
        for number, command in enumerate(commands(locale)):
            strings[f"bots[0].commandLists[{index}].commands[{number}].title"] = command["title"]
            prefix = f"bots[0].commandLists[{index}].commands[{number}]"
            strings[f"{prefix}.description"] = command["description"]
    return strings


# ------------------------------------------------------------------ icons


def png(width: int, height: int, pixel: Any) -> bytes:
    """An RGBA PNG; ``pixel(x, y)`` returns (r, g, b, a)."""
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def _in_circle(x: int, y: int, centre: float, radius: float) -> bool:
    return (x + 0.5 - centre) ** 2 + (y + 0.5 - centre) ** 2 <= radius**2


def color_icon() -> bytes:
    """192×192: four peers (white dots) around a circle, on the accent colour."""
    size, centre = 192, 96.0
    peers = [(96, 44), (148, 96), (96, 148), (44, 96)]

    def pixel(x: int, y: int) -> tuple[int, int, int, int]:
        if any((x - px) ** 2 + (y - py) ** 2 <= 18**2 for px, py in peers):
            return (255, 255, 255, 255)
        if _in_circle(x, y, centre, 52) and not _in_circle(x, y, centre, 44):
            return (255, 255, 255, 255)
        return (*ACCENT, 255)

    return png(size, size, pixel)


def outline_icon() -> bytes:
    """32×32: a white ring of peers on a transparent background."""
    peers = [(16, 6), (26, 16), (16, 26), (6, 16)]

    def pixel(x: int, y: int) -> tuple[int, int, int, int]:
        if any((x - px) ** 2 + (y - py) ** 2 <= 9 for px, py in peers):
            return (255, 255, 255, 255)
        return (0, 0, 0, 0)

    return png(32, 32, pixel)
