"""The ``intervision`` command, run as a real process against both databases."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "integrations.cli", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_methods_list_in_dutch_names_at_least_twelve_methods() -> None:
    result = run("methods", "list", "--locale", "nl")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) >= 12
    names = result.stdout
    for dutch in ("Incidentmethode", "Balintmethode", "Roddelmethode", "Tienstappenmethode"):
        assert dutch in names


def test_methods_show_lists_every_phase_with_the_closing() -> None:
    result = run("methods", "show", "incident", "--locale", "en")
    assert result.returncode == 0, result.stderr
    assert "Closing: what I take away" in result.stdout and "Evaluation" in result.stdout
    assert "Source:" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("methods", "show", "nope"),
        ("frobnicate",),
        ("group", "create", "--platform", "slack"),
        (
            "group",
            "create",
            "--platform",
            "irc",
            "--workspace",
            "T",
            "--channel",
            "C",
            "--name",
            "N",
            "--members",
            "U1",
        ),
    ],
)
def test_bad_arguments_give_one_line_and_exit_code_two(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("intervision:")
    assert "Traceback" not in result.stderr


def test_a_broken_custom_method_file_is_named_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text("id: mine\nname: {nl: Mijn}\n")
    result = run("methods", "list", env={"INTERVISION_METHODS_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "mine.yaml" in result.stderr and "name.en" in result.stderr
    assert "Traceback" not in result.stderr


def test_db_upgrade_then_group_create_and_list(empty_db_url: str) -> None:
    env = {"DATABASE_URL": empty_db_url}
    upgraded = run("db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    created = run(
        "group",
        "create",
        "--platform",
        "teams",
        "--workspace",
        "tenant-1",
        "--channel",
        "19:abc@thread.tacv2",
        "--name",
        "Wijkteam",
        "--members",
        "u1,u2,u3",
        "--facilitator",
        "f1",
        "--manager",
        "m1",
        "--locale",
        "nl",
        env=env,
    )
    assert created.returncode == 0, created.stderr
    assert "Wijkteam" in created.stdout
    assert "4 tot 8 leden" in created.stdout  # three members: allowed, with a warning
    listed = run("group", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "teams:tenant-1" in listed.stdout and "19:abc@thread.tacv2" in listed.stdout
    again = run(
        "group",
        "create",
        "--platform",
        "teams",
        "--workspace",
        "tenant-1",
        "--channel",
        "19:abc@thread.tacv2",
        "--name",
        "Twice",
        "--members",
        "u1",
        env=env,
    )
    assert again.returncode == 1 and "already has an intervision group" in again.stderr


def test_slack_manifest_has_both_commands_and_the_events_url() -> None:
    import json

    result = run("slack", "manifest", "--url", "https://intervision.example.org")
    assert result.returncode == 0, result.stderr
    manifest = json.loads(result.stdout)
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    assert set(commands) == {"/intervision", "/intervisie"}
    assert commands["/intervision"]["url"] == "https://intervision.example.org/slack/events"
    assert manifest["settings"]["socket_mode_enabled"] is False
    socket = json.loads(run("slack", "manifest", "--url", "https://x.org", "--socket-mode").stdout)
    assert socket["settings"]["socket_mode_enabled"] is True


def test_teams_package_needs_an_app_id_then_writes_a_zip(tmp_path: Path) -> None:
    import zipfile

    out = tmp_path / "intervision-teams.zip"
    refused = run("teams", "package", "--out", str(out), env={"MICROSOFT_APP_ID": ""})
    assert refused.returncode == 2 and "MICROSOFT_APP_ID" in refused.stderr
    built = run(
        "teams",
        "package",
        "--out",
        str(out),
        env={
            "MICROSOFT_APP_ID": "00000000-0000-0000-0000-00000000abcd",
            "PUBLIC_BASE_URL": "https://intervision.example.org",
        },
    )
    assert built.returncode == 0, built.stderr
    with zipfile.ZipFile(out) as package:
        assert {"manifest.json", "color.png", "outline.png"} <= set(package.namelist())
