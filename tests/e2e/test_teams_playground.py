"""Our Teams adapter against the real Microsoft 365 Agents Playground, in a real browser.

The real ``intervision serve`` process (Teams on, TEAMS_ALLOW_UNAUTHENTICATED, no password)
and the Playground's own server (bound to loopback by ``tests/js/teams-loopback.cjs``) run
side by side; ``tests/js/teams-playground.mjs`` drives the Playground's web UI: the General
channel, ``@Test Bot start``, our meeting card, "Bring in a case", the case form in the
personal chat, and the card updated in place. Screenshots go to ``artifacts/teams/``.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE_TOOLS = ROOT / "tests" / "js"
PLAYGROUND = NODE_TOOLS / "node_modules" / "@microsoft" / "m365agentsplayground" / "cli.js"
LOOPBACK_PRELOAD = NODE_TOOLS / "teams-loopback.cjs"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
APP_ID = "00000000-0000-4000-8000-0000000e2e7a"
GROUP = "Peer group North"
SHOTS = ROOT / "artifacts" / "teams"
CHANNEL_ACTIVITY = re.compile(
    r"accepted an activity WITHOUT a token \(development\): \S+ +in tenant (?P<tenant>\S+), "
    r"conversation \S+ \(channel\), channel (?P<channel>\S+), from aadObjectId (?P<user>\S+)"
)


@dataclass
class Process:
    """A process we started, its output collected by a reader thread."""

    popen: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def follow(self, stream: object) -> None:
        def read() -> None:
            for line in stream:  # type: ignore[attr-defined]
                self.lines.append(line)

        threading.Thread(target=read, daemon=True).start()

    def wait_for(self, pattern: re.Pattern[str], seconds: float) -> re.Match[str]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for line in list(self.lines):
                found = pattern.search(line)
                if found:
                    return found
            if self.popen.poll() is not None and not any(pattern.search(x) for x in self.lines):
                break
            time.sleep(0.1)
        raise AssertionError(f"no {pattern.pattern!r} in:\n{self.text}")

    @property
    def text(self) -> str:
        return "".join(self.lines)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)


def _start(command: list[str], env: dict[str, str], cwd: Path, *, stdout: bool) -> Process:
    popen = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if stdout else subprocess.DEVNULL,
        stderr=subprocess.STDOUT if stdout else subprocess.PIPE,
        text=True,
    )
    process = Process(popen)
    process.follow(popen.stdout if stdout else popen.stderr)
    return process


def _clean_env() -> dict[str, str]:
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "MICROSOFT_", "TEAMS_", "SANDBOX", "NODE_OPTIONS"))
    }


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Process, str, dict[str, str]]]:
    env = _clean_env()
    env.update(
        {
            "PORT": "0",
            "HOST": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'teams.db'}",
            "MICROSOFT_APP_ID": APP_ID,
            "TEAMS_ALLOW_UNAUTHENTICATED": "1",
        }
    )
    process = _start([sys.executable, "-m", "integrations.cli", "serve"], env, ROOT, stdout=False)
    try:
        found = process.wait_for(re.compile(r"listening on http://127\.0\.0\.1:(\d+)"), 60)
        assert "Microsoft Teams: on" in process.text
        assert "TEAMS_ALLOW_UNAUTHENTICATED is on" in process.text
        yield process, f"http://127.0.0.1:{found.group(1)}", env
    finally:
        process.stop()


@pytest.fixture
def playground(
    server: tuple[Process, str, dict[str, str]], tmp_path: Path
) -> Iterator[tuple[Process, int]]:
    node = shutil.which("node")
    assert node, "node is needed for the Agents Playground"
    assert PLAYGROUND.exists(), "run `npm ci` in tests/js first"
    home = tmp_path / "playground-home"
    home.mkdir()
    env = _clean_env()
    env.update(
        {
            "TEAMSAPPTESTER_BROWSER": "none",
            "NODE_OPTIONS": f"--require {LOOPBACK_PRELOAD}",
            "HOME": str(home),
        }
    )
    command = [
        node,
        str(PLAYGROUND),
        "-e",
        f"{server[1]}/api/messages",
        "-c",
        "msteams",
        "-p",
        "0",
        "--disable-telemetry",
    ]
    process = _start(command, env, home, stdout=True)
    try:
        port = int(process.wait_for(re.compile(r"Listening on (\d+)"), 60).group(1))
        yield process, port
    finally:
        process.stop()


def test_start_and_a_card_action_in_the_real_agents_playground(
    server: tuple[Process, str, dict[str, str]], playground: tuple[Process, int]
) -> None:
    assert Path(CHROMIUM).exists(), "install Chromium first: apt-get install -y chromium"
    serve, _, serve_env = server
    pg, port = playground
    _assert_loopback_only(pg.popen.pid, port)

    shutil.rmtree(SHOTS, ignore_errors=True)
    node = shutil.which("node")
    assert node
    script = subprocess.Popen(
        [node, "teams-playground.mjs", f"http://127.0.0.1:{port}", str(SHOTS), GROUP],
        cwd=NODE_TOOLS,
        env=_clean_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    browser = Process(script)
    browser.follow(script.stdout)

    def logs() -> str:
        return f"browser:\n{browser.text}\nplayground:\n{pg.text}\nserver:\n{serve.text[-8000:]}"

    try:
        browser.wait_for(re.compile("CHANNEL OPEN"), 90)
        # the Playground's team channel, as its first channel activity told our server
        seen = serve.wait_for(CHANNEL_ACTIVITY, 30)
        _create_group(serve_env, seen["tenant"], seen["channel"], seen["user"])
        assert script.stdin is not None
        script.stdin.write("GO\n")
        script.stdin.close()
        code = script.wait(timeout=150)
        assert code == 0
        assert "PLAYGROUND OK" in browser.text
        for name in ("02-meeting-card", "03-case-form", "05-card-with-case"):
            assert (SHOTS / f"{name}.png").stat().st_size > 10_000
        assert "Traceback" not in serve.text
    except (AssertionError, subprocess.TimeoutExpired) as error:
        raise AssertionError(f"{error}\n{logs()}") from None
    finally:
        browser.stop()


def _create_group(env: dict[str, str], tenant: str, channel: str, user: str) -> None:
    """The group for the Playground's channel, through the real CLI: the user who drives the
    Playground facilitates; two fictitious colleagues make the incident method's three."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "integrations.cli",
            "group",
            "create",
            "--platform=teams",
            f"--workspace={tenant}",
            f"--channel={channel}",
            f"--name={GROUP}",
            f"--members={user},fictitious-colleague-1,fictitious-colleague-2",
            f"--facilitator={user}",
            "--locale=en",
        ],
        cwd=ROOT,
        env={k: v for k, v in env.items() if k != "PORT"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --------------------------------------------------------------------- loopback only


def _assert_loopback_only(pid: int, port: int) -> None:
    """The Playground's server listens on 127.0.0.1 only: every listening TCP socket of its
    process is bound to loopback, and its port answers nowhere else on this machine."""
    listening = _listening_addresses(pid)
    assert ("127.0.0.1", port) in listening, listening
    assert all(host in ("127.0.0.1", "::1") for host, _ in listening), listening
    others = _other_addresses()
    if not others:
        return  # this machine has no other address to try
    for address in others:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(2)
            assert probe.connect_ex((address, port)) != 0, f"reachable on {address}:{port}"


def _listening_addresses(pid: int) -> set[tuple[str, int]]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found: set[tuple[str, int]] = set()
    for table, family in (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6)):
        path = Path(f"/proc/{pid}/net/{table}")
        if not path.exists():
            continue
        for row in path.read_text().splitlines()[1:]:
            cols = row.split()
            if cols[3] == "0A" and cols[9] in inodes:  # LISTEN, one of its sockets
                hex_host, hex_port = cols[1].split(":")
                raw = bytes.fromhex(hex_host)
                if family == socket.AF_INET:
                    raw = raw[::-1]
                else:
                    raw = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
                found.add((socket.inet_ntop(family, raw), int(hex_port, 16)))
    return found


def _other_addresses() -> set[str]:
    """This machine's IPv4 addresses other than loopback."""
    found: set[str] = set()
    try:
        found.add(socket.gethostbyname(socket.gethostname()))
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(str(info[4][0]))
    except OSError:
        pass
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        try:  # no packet is sent: this only asks the kernel for the outgoing address
            udp.connect(("192.0.2.1", 9))
            found.add(udp.getsockname()[0])
        except OSError:
            pass
    return {a for a in found if not a.startswith("127.") and a != "0.0.0.0"}
