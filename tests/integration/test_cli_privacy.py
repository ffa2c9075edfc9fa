"""``intervision privacy export | erase | purge``, ``audit list`` and ``workspace configure
--retention-days`` on both databases: what they print in Dutch and English, what they
change, and one line with exit code 2 for every bad argument or refused request.

Most runs call ``main()`` in this process (fast); one runs the real ``python -m`` process."""

from __future__ import annotations

import getpass
import json
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from core.domain.privacy import is_erased
from core.services import meetings, privacy
from core.storage.engine import make_engine
from integrations.cli import main
from tests.integration.test_cli import refused, run
from tests.support.factories import FACILITATOR
from tests.support.fakes import FakeClock
from tests.support.privacy import OWNER, Place, place

ME = f"admin:{getpass.getuser()}"
Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def database(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.delenv("INTERVISION_RETENTION_DAYS", raising=False)
    engine = make_engine(db_url)
    yield engine  # type: ignore[misc]
    engine.dispose()


@pytest.fixture
def cli(database: Engine, capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run ``intervision ARGS`` in this process: (exit code, stdout, stderr)."""

    def call(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return call


def one_line(result: tuple[int, str, str]) -> str:
    code, out, err = result
    assert code == 2, (code, out, err)
    assert out == "" and len(err.splitlines()) == 1 and err.startswith("intervision: "), err
    return err.strip().removeprefix("intervision: ")


def said(result: tuple[int, str, str]) -> list[str]:
    code, out, err = result
    assert code == 0, (code, out, err)
    return out.splitlines()


PERSON = ("--platform", "slack", "--workspace", "T1", "--user")


def test_export_then_erase_then_the_audit_trail(database: Engine, cli: Cli, tmp_path: Path) -> None:
    here = place(database)
    held = here.hold(here.group())
    elsewhere = place(database, external_id="T_OTHER", clock=here.clock)
    elsewhere.group(name="Elders")

    exported = json.loads("\n".join(said(cli("privacy", "export", *PERSON, OWNER))))
    assert (exported["workspace"], exported["person"]) == ("T1", OWNER)
    assert [m["group"] for m in exported["memberships"]] == ["Noord"]
    assert exported["contributions"] and all(c["text"] for c in exported["contributions"])

    target = tmp_path / "anna.json"
    [line] = said(cli("privacy", "export", *PERSON, OWNER, "--out", str(target), "--locale", "en"))
    assert line.startswith(f"Everything held on {OWNER} in slack:T1 is written to {target} (")
    theirs = len([c for c in held.contributions if c.author == OWNER])
    assert f"(meetings: 1, contributions: {theirs}, cases: 1, groups: 1, outbox rows: " in line
    assert json.loads(target.read_text())["contributions"] == exported["contributions"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

    [line] = said(cli("privacy", "erase", *PERSON, OWNER))  # the workspace's language: Dutch
    assert line.startswith(
        f"{OWNER} is gewist in slack:T1: bijeenkomsten: 1, bijdragen: {theirs}, casussen: 1, "
        "groepen: 1, outbox-rijen: "
    )
    lines = said(cli("privacy", "erase", *PERSON, FACILITATOR, "--locale", "en"))
    assert lines == [
        # the chair, who said nothing; the meeting's channel check and its first card name
        # them as its starter (told if the platform refuses the start)
        f"Erased {FACILITATOR} in slack:T1: meetings: 1, groups: 1, outbox rows: 2.",
        "Group 'Noord' has no facilitator now.",
    ]
    assert said(cli("privacy", "erase", *PERSON, OWNER, "--locale", "en")) == [
        f"Nothing is held on {OWNER} in slack:T1."
    ]
    meeting = here.meeting(held.id or 0)
    assert is_erased(meeting.case_owner) and is_erased(meeting.chair)
    kept = privacy.export_person(
        elsewhere.ctx, actor=elsewhere.admin, person=OWNER, requested_by=ME
    )
    assert [m.group for m in kept.memberships] == ["Elders"]  # the same id elsewhere: untouched

    trail = [line.split("  ") for line in said(cli("audit", "list", "--locale", "en"))]
    assert [(t[1], t[2], t[3], t[4]) for t in trail] == [
        ("slack:T_OTHER", "export", OWNER, ME),
        ("slack:T1", "erasure", OWNER, ME),
        ("slack:T1", "erasure", FACILITATOR, ME),
        ("slack:T1", "erasure", OWNER, ME),
        ("slack:T1", "export", OWNER, ME),
        ("slack:T1", "export", OWNER, ME),
    ]
    assert trail[1][5] == "rows: 0"
    assert trail[3][5].startswith(f"rows: {theirs + 4} (meetings: 1, contributions: {theirs}, ")
    datetime.strptime(trail[0][0], "%Y-%m-%d %H:%M:%SZ")  # a moment, in UTC
    [latest] = said(
        cli("audit", "list", "--platform", "slack", "--workspace", "T1", "--limit", "1")
    )
    assert latest.split("  ")[2:4] == ["wissen", OWNER]


def test_purge_from_cron_with_the_workspace_retention(database: Engine, cli: Cli) -> None:
    forty_days_ago = datetime.now(UTC) - timedelta(days=40)
    here = place(database, clock=FakeClock(forty_days_ago))
    held = here.hold(here.group())
    recent = place(database, external_id="T2", clock=FakeClock(datetime.now(UTC)))
    recent.hold(recent.group())

    configured = said(
        cli(
            "workspace", "configure", "--platform", "slack", "--workspace", "T1",
            "--retention-days", "30", "--locale", "en",
        )
    )  # fmt: skip
    assert configured[1] == (
        "Retention: texts are removed 30 days after a meeting has ended (this workspace's setting)."
    )
    [line] = said(cli("privacy", "purge", "--locale", "en"))
    contributions = len(held.contributions)
    assert line == (
        "Workspace slack:T1: texts removed after 30 days "
        f"(meetings: 1, contributions: {contributions}, cases: 1)."
    )
    assert said(cli("privacy", "purge")) == ["Er hoeft niets verwijderd te worden."]
    assert {c.text for c in here.meeting(held.id or 0).contributions} == {""}
    [entry] = said(cli("audit", "list", "--platform", "slack", "--workspace", "T1"))
    assert entry.split("  ")[2:5] == ["purge", "-", ME]  # T1 speaks English since configure
    assert said(cli("audit", "list", "--platform", "slack", "--workspace", "T2")) == [
        "Nog niets in het auditlogboek."
    ]


def test_a_backlog_is_purged_in_bounded_runs(database: Engine, cli: Cli) -> None:
    here = place(database, clock=FakeClock(datetime.now(UTC) - timedelta(days=400)))
    group_id = here.group()
    here.hold(group_id)
    here.hold(group_id)

    first = said(cli("privacy", "purge", "--limit", "1", "--locale", "en"))
    second = said(cli("privacy", "purge", "--limit", "1", "--locale", "en"))

    assert first[0].startswith("Workspace slack:T1: texts removed after 365 days (meetings: 1,")
    assert first[1:] == ["More is due: run 'intervision privacy purge' again."]
    assert len(second) == 1 and "(meetings: 1," in second[0]


def test_refusals_are_one_line_in_the_chosen_language(
    database: Engine, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here: Place = place(database)
    group_id = here.group()
    meetings.start_meeting(here.ctx, actor=here.actor(FACILITATOR), group_id=group_id)
    configure = ("workspace", "configure", "--platform", "slack", "--workspace", "T1")

    assert one_line(
        cli("privacy", "export", "--platform", "slack", "--workspace", "T9", "--user", "U")
    ) == ("Werkruimte slack:T9 is niet bekend.")
    assert one_line(cli("privacy", "erase", *PERSON, " ")) == "--user mag niet leeg zijn."
    assert one_line(cli("privacy", "erase", *PERSON, "erased:0a1b", "--locale", "en")) == (
        "'erased:0a1b' stands in for a person who was erased; it is not a user id."
    )
    assert one_line(cli("privacy", "erase", *PERSON, "U_M1")) == (
        "U_M1 neemt deel aan een bijeenkomst van 'Noord' die nog bezig is; "
        "wis de gegevens zodra die is afgelopen."
    )
    assert one_line(
        cli("privacy", "export", *PERSON, "U_M1", "--out", str(tmp_path), "--locale", "en")
    ) == (f"{tmp_path} is a folder; give a file name, e.g. {tmp_path}/export.json.")
    missing = tmp_path / "missing" / "x.json"
    assert one_line(cli("privacy", "export", *PERSON, "U_M1", "--out", str(missing))) == (
        f"Kan {missing} niet schrijven: de map {missing.parent} bestaat niet."
    )
    assert one_line(cli(*configure, "--retention-days", "0", "--locale", "en")) == (
        "The retention period is a number of days from 1 to 3650."
    )
    assert one_line(cli(*configure, "--retention-days", "4000")) == (
        "De bewaartermijn is een aantal dagen van 1 tot en met 3650."
    )
    assert one_line(cli("audit", "list", "--platform", "slack")) == (
        "--platform werkt hier alleen samen met --workspace."
    )
    assert one_line(cli("audit", "list", "--workspace", "T1", "--locale", "en")) == (
        "--workspace needs --platform."
    )
    monkeypatch.setenv("INTERVISION_RETENTION_DAYS", "0")
    assert one_line(cli("privacy", "purge", "--locale", "en")).startswith(
        "Setting INTERVISION_RETENTION_DAYS:"
    )
    assert privacy.audit_trail(here.ctx, limit=10) == []  # nothing was exported or erased
    with here.ctx.uow() as uow:
        assert "U_M1" in uow.groups.get(group_id).members


@pytest.mark.parametrize(
    "args",
    [
        ("privacy", "erase"),
        ("privacy", "export", "--platform", "slack", "--workspace", "T1"),
        ("privacy", "export", "--platform", "irc", "--workspace", "T1", "--user", "U1"),
        ("privacy", "purge", "--limit", "0"),
        ("privacy", "purge", "--limit", "many"),
        ("audit", "list", "--limit", "-3"),
        (
            "workspace",
            "configure",
            "--platform",
            "slack",
            "--workspace",
            "T1",
            "--retention-days",
            "x",
        ),
    ],
)
def test_bad_arguments_are_one_line_with_exit_code_two(
    args: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(list(args))
    err = capsys.readouterr().err
    assert code == 2 and len(err.splitlines()) == 1 and err.startswith("intervision: "), err


def test_the_real_command_speaks_for_itself(db_url: str) -> None:
    """``python -m integrations.cli``: the privacy commands' refusals are one line there too."""
    env = {"DATABASE_URL": db_url}
    assert refused(run("privacy", "purge", "--limit", "0", env=env)).startswith("argument --limit")
    purged = run("privacy", "purge", "--locale", "en", env=env)
    assert (purged.returncode, purged.stdout, purged.stderr) == (
        0,
        "Nothing is due for removal.\n",
        "",
    )


def test_every_privacy_command_has_help_with_verbose_and_locale(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for leaf in (
        ("privacy", "export"),
        ("privacy", "erase"),
        ("privacy", "purge"),
        ("audit", "list"),
    ):
        with pytest.raises(SystemExit):
            main([*leaf, "--help"])
        text = capsys.readouterr().out
        assert "--verbose" in text and "--locale" in text, leaf
