"""The ``intervision`` command, run as a real process against both databases."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from integrations.cli import build_parser, main
from tests.support.serve import PLATFORM_VARIABLES

ROOT = Path(__file__).resolve().parents[2]
SERVE_REFUSES_WITHIN_S = 20


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(PLATFORM_VARIABLES)}
    return subprocess.run(
        [sys.executable, "-m", "integrations.cli", *args],
        cwd=ROOT,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def refused(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a refusal prints on stderr (exit code 2, no traceback), without the prefix."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("intervision: "), result.stderr
    return lines[0].removeprefix("intervision: ")


def create_group(
    env: dict[str, str], *extra: str, channel: str = "C1", name: str = "Noord"
) -> subprocess.CompletedProcess[str]:
    return run(
        "group",
        "create",
        "--platform",
        "slack",
        "--workspace",
        "T1",
        "--channel",
        channel,
        "--name",
        name,
        "--members",
        "U1,U2,U3,U4",
        *extra,
        env=env,
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
        (),
        ("slack", "manifest", "--url", "ftp://example.org"),
        ("group", "list", "--workspace", "T1"),
        ("methods", "list", "--locale", "de"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_code_two(args: tuple[str, ...]) -> None:
    refused(run(*args))


def test_an_unknown_method_id_is_refused_in_the_chosen_language() -> None:
    assert refused(run("methods", "show", "nope")) == "Er is geen methode met de naam 'nope'."
    english = run("methods", "show", "nope", "--locale", "en")
    assert refused(english) == "There is no method called 'nope'."


def test_help_explains_verbose_and_every_command_takes_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    top = " ".join(capsys.readouterr().out.split())  # as wrapped for any terminal width
    assert "--verbose" in top and "exits with code 2" in top
    for command in ("serve", "db", "methods", "workspace", "slack", "teams", "group"):
        assert command in top
    leaves = [
        ("serve",),
        ("db", "upgrade"),
        ("methods", "list"),
        ("methods", "show"),
        ("workspace", "configure"),
        ("slack", "manifest"),
        ("teams", "package"),
        ("group", "create"),
        ("group", "list"),
    ]
    for leaf in leaves:
        with pytest.raises(SystemExit):
            main([*leaf, "--help"])
        text = capsys.readouterr().out
        assert "--verbose" in text and "--locale" in text, leaf


@pytest.mark.parametrize("where", ["before", "after"])
def test_verbose_is_accepted_before_and_after_the_command(where: str) -> None:
    args = ["-v", "db", "upgrade"] if where == "before" else ["db", "upgrade", "--verbose"]
    assert build_parser().parse_args(args).verbose is True
    assert build_parser().parse_args(["db", "upgrade"]).verbose is False


def test_commands_other_than_serve_log_warnings_only_unless_verbose(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'quiet.db'}"}
    quiet = run("db", "upgrade", env=env)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == ""  # Alembic's INFO lines are not shown
    assert quiet.stdout.startswith("De database sqlite:///") and "is up-to-date" in quiet.stdout
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'verbose.db'}"}
    verbose = run("db", "upgrade", "--verbose", "--locale", "en", env=env)
    assert verbose.returncode == 0, verbose.stderr
    assert "INFO alembic.runtime.migration: Running upgrade" in verbose.stderr
    assert "is up to date" in verbose.stdout


def test_a_broken_custom_method_file_is_named_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text("id: mine\nname: {nl: Mijn}\n")
    result = run("methods", "list", env={"INTERVISION_METHODS_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "mine.yaml" in result.stderr and "name.en" in result.stderr
    missing = run("methods", "list", env={"INTERVISION_METHODS_DIR": str(tmp_path / "nope")})
    assert "the methods folder does not exist" in refused(missing)
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
    assert refused(again) == "Dit kanaal heeft al een intervisiegroep."  # the group's language


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


@pytest.mark.parametrize(
    ("out", "expected"),
    [
        ("missing/intervision-teams.zip", "de map {tmp}/missing bestaat niet"),
        (".", "{tmp} is een map; geef een bestandsnaam op"),
        ("/dev/full", "Kan /dev/full niet schrijven: No space left on device."),
    ],
    ids=["no-such-folder", "a-folder", "disk-full"],
)
def test_an_unwritable_out_is_refused_in_one_line(tmp_path: Path, out: str, expected: str) -> None:
    """A read-only folder is the same refusal (EACCES/EROFS), but the tests run as root here,
    whom permission bits do not stop; /dev/full fails while writing instead of opening."""
    target = out if out.startswith("/") else str(tmp_path / out)
    env = {"MICROSOFT_APP_ID": "00000000-0000-0000-0000-00000000abcd"}
    message = refused(run("teams", "package", "--out", target, env=env))
    assert expected.format(tmp=tmp_path) in message


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port on 127.0.0.1 that another program is listening on."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        yield listener.getsockname()[1]


def test_serve_on_a_busy_port_refuses_at_once_in_one_line(tmp_path: Path, busy_port: int) -> None:
    database = tmp_path / "serve.db"
    env = {"HOST": "127.0.0.1", "PORT": str(busy_port), "DATABASE_URL": f"sqlite:///{database}"}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "integrations.cli", "serve"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(PLATFORM_VARIABLES)},
            **env,
        },
        capture_output=True,
        text=True,
        timeout=SERVE_REFUSES_WITHIN_S,  # kills the process if it hangs instead
    )
    assert time.monotonic() - started < SERVE_REFUSES_WITHIN_S
    message = refused(result)
    assert message.startswith(f"Poort {busy_port} op 127.0.0.1 is al in gebruik"), message
    assert not database.exists()  # refused before migrating: the port is taken first
    english = run("serve", "--locale", "en", env=env)
    assert refused(english).startswith(f"Port {busy_port} on 127.0.0.1 is already in use")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL is geen bruikbaar database-adres"),
        ({"DATABASE_URL": "nosuchdb://x/y"}, "DATABASE_URL is geen bruikbaar database-adres"),
        ({"PORT": "not-a-port"}, "Instelling PORT:"),
    ],
)
def test_a_bad_setting_is_refused_in_one_line(env: dict[str, str], expected: str) -> None:
    assert refused(run("group", "list", env=env)).startswith(expected)


def test_serve_refuses_a_database_url_it_cannot_use(tmp_path: Path) -> None:
    env = {"PORT": "0", "HOST": "127.0.0.1"}
    bad_url = run("serve", env={**env, "DATABASE_URL": "nonsense"})
    assert refused(bad_url).startswith("DATABASE_URL is geen bruikbaar database-adres")
    no_folder = f"sqlite:///{tmp_path / 'missing' / 'serve.db'}"
    unopenable = run("serve", "--locale", "en", env={**env, "DATABASE_URL": no_folder})
    assert refused(unopenable).startswith("Cannot open the database sqlite:///")


def test_an_unreachable_database_is_refused_in_one_line() -> None:
    with socket.socket() as closed:  # bound, not listening: connections are refused
        closed.bind(("127.0.0.1", 0))
        url = f"postgresql://postgres:secret@127.0.0.1:{closed.getsockname()[1]}/intervision"
        message = refused(run("group", "list", "--locale", "en", env={"DATABASE_URL": url}))
    assert message.startswith("Cannot open the database postgresql://postgres:***@127.0.0.1:")
    assert "secret" not in message


def test_a_database_from_a_newer_version_is_refused_in_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    assert run("db", "upgrade", env={"DATABASE_URL": url}).returncode == 0
    with closing(sqlite3.connect(tmp_path / "newer.db")) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    for args in (("db", "upgrade"), ("group", "list")):
        message = refused(run(*args, "--locale", "en", env={"DATABASE_URL": url}))
        assert message.startswith("Cannot upgrade the database:") and "9999" in message


@pytest.mark.parametrize(
    "empty_db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_postgresql_not_yet_upgraded_is_refused_with_the_way_out(empty_db_url: str) -> None:
    env = {"DATABASE_URL": empty_db_url}
    message = refused(run("group", "list", "--locale", "en", env=env))
    assert "run 'intervision db upgrade' first" in message


def test_refusals_on_the_database_are_one_line_in_the_workspace_language(db_url: str) -> None:
    env = {"DATABASE_URL": db_url}
    assert run("db", "upgrade", env=env).returncode == 0
    assert refused(create_group(env, name="")) == "--name mag niet leeg zijn."
    assert refused(create_group(env, name="   ")) == "--name mag niet leeg zijn."
    assert refused(create_group(env, "--facilitator", " ")) == "--facilitator mag niet leeg zijn."
    assert refused(create_group(env, "--method", "nope")).startswith("Er is geen methode 'nope'")
    assert run("group", "list", env=env).stdout.strip() == "Nog geen intervisiegroepen."
    assert create_group(env).returncode == 0
    assert refused(create_group(env, name="Zuid")) == "Dit kanaal heeft al een intervisiegroep."
    english = create_group(env, "--locale", "en", name="Zuid")
    assert refused(english) == "This channel already has an intervision group."
    zone = ("workspace", "configure", "--platform", "slack", "--workspace", "T1", "--time-zone")
    assert refused(run(*zone, "Mars/Base", env=env)).startswith("Onbekende tijdzone 'Mars/Base'")
    assert refused(run(*zone, "Europe", "--locale", "en", env=env)).startswith(
        "Unknown time zone 'Europe'"
    )
    unknown = run("group", "list", "--platform", "slack", "--workspace", "T9", env=env)
    assert refused(unknown) == "Werkruimte slack:T9 is niet bekend."


def test_output_follows_locale_else_the_workspace_language(db_url: str) -> None:
    env = {"DATABASE_URL": db_url}
    assert run("db", "upgrade", env=env).returncode == 0
    configured = run(
        "workspace",
        "configure",
        "--platform",
        "slack",
        "--workspace",
        "T1",
        "--managers",
        "M1,M2",
        "--time-zone",
        "Europe/Brussels",
        "--locale",
        "en",
        env=env,
    )
    assert configured.returncode == 0, configured.stderr
    assert configured.stdout.splitlines() == [
        "Workspace slack:T1: language: English, time zone: Europe/Brussels, "
        "managers: M1, M2, managers' channel: none.",
        "Retention: texts are removed 365 days after a meeting has ended "
        "(the default, INTERVISION_RETENTION_DAYS).",
    ]
    created = create_group(env)  # no --locale: the workspace's language
    assert created.stdout.strip() == "Intervision group 'Noord' (id 1) added to channel C1."
    dutch = create_group(env, "--locale", "nl", channel="C2", name="Zuid")
    assert dutch.stdout.strip() == "Intervisiegroep 'Zuid' (id 2) is toegevoegd aan kanaal C2."
    mine = ("group", "list", "--platform", "slack", "--workspace", "T1")
    assert "(members: 4, method: incident)" in run(*mine, env=env).stdout
    assert "(leden: 4, methode: incident)" in run(*mine, "--locale", "nl", env=env).stdout
    assert (
        refused(run(*mine[:5], "T9", "--locale", "en", env=env))
        == "Workspace slack:T9 is not known."
    )
    again = run("workspace", "configure", "--platform", "slack", "--workspace", "T1", env=env)
    assert again.stdout.startswith("Workspace slack:T1: language: English")  # it stays English
