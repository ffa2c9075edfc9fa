"""The ``intervision`` command with random arguments: the real commands, options in any
order, values full of Unicode and control characters, words added, dropped and swapped.
Always an exit code (0, or 2 with one line on stderr), never an exception, and nothing
stored that should not be."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from integrations.cli import EXIT_REFUSED, main
from tests.reliability.conftest import FUZZ
from tests.support import stored
from tests.support.fuzz import nasty_text

WORDS = [
    "db", "upgrade", "methods", "list", "show", "workspace", "configure", "slack", "manifest",
    "teams", "package", "group", "create", "incident", "gossip", "--platform", "--workspace",
    "--managers", "--managers-channel", "--time-zone", "--locale", "--url", "--socket-mode",
    "--out", "--channel", "--name", "--members", "--facilitator", "--manager", "--method",
    "--mode", "-v", "--verbose", "slack", "teams", "sandbox", "nl", "en", "T0123", "C0456",
    "U1,U2,U3", "Europe/Amsterdam", "https://example.org", "live", "async",
]  # fmt: skip
COMMANDS = [
    ["db", "upgrade"],
    ["methods", "list"],
    ["methods", "show", "incident"],
    ["workspace", "configure", "--platform", "slack", "--workspace", "T0123", "--managers", "U1"],
    ["slack", "manifest", "--url", "https://example.org"],
    ["teams", "package", "--out", "package.zip"],
    ["group", "create", "--platform", "slack", "--workspace", "T0123", "--channel", "C0456",
     "--name", "Peers", "--members", "U1,U2,U3,U4", "--facilitator", "U9"],
    ["group", "list", "--platform", "slack", "--workspace", "T0123"],
]  # fmt: skip
ARGUMENT = st.one_of(
    st.sampled_from(WORDS), nasty_text(20).map(lambda t: t.replace("\x00", ""))
).filter(lambda word: word != "serve")


@st.composite
def argv(draw: st.DrawFn) -> list[str]:
    words = list(draw(st.sampled_from(COMMANDS)))
    values = [n for n, w in enumerate(words) if n and words[n - 1].startswith("--")]
    for at in draw(st.lists(st.sampled_from(values), max_size=3)) if values else []:
        words[at] = draw(ARGUMENT)
    for _ in range(draw(st.integers(0, 3))):
        how = draw(st.sampled_from(["insert", "drop", "replace", "swap"]))
        at = draw(st.integers(0, max(len(words) - 1, 0)))
        if how == "insert":
            words.insert(at, draw(ARGUMENT))
        elif words and how == "drop":
            words.pop(at)
        elif words and how == "replace":
            words[at] = draw(ARGUMENT)
        elif len(words) > 1:
            other = draw(st.integers(0, len(words) - 1))
            words[at], words[other] = words[other], words[at]
    return words


@pytest.fixture(scope="module")
def cli_env(module_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The environment of an admin's shell: the test database, no platform, a scratch
    working directory (``teams package`` would write there, were it configured)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("MICROSOFT_APP_ID", "INTERVISION_METHODS_DIR", "SLACK_BOT_TOKEN"):
            patch.delenv(name, raising=False)
        patch.setenv("DATABASE_URL", module_db_url)
        patch.chdir(tmp_path_factory.mktemp("cli"))
        yield module_db_url


@FUZZ
@given(words=argv())
def test_any_arguments_give_an_exit_code_never_an_exception(cli_env: str, words: list[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(words)
        except SystemExit as exit_:  # --help: argparse prints the help and exits 0
            code = exit_.code if isinstance(exit_.code, int) else EXIT_REFUSED
    event(f"{words[0] if words and words[0] in WORDS else 'another word'}: {code}")
    assert code in (0, EXIT_REFUSED), err.getvalue()
    if code == EXIT_REFUSED:
        assert len(err.getvalue().strip().splitlines()) == 1, err.getvalue()
    from core.storage.engine import make_engine

    engine = make_engine(cli_env)
    try:
        assert stored.control_characters(engine) == []
    finally:
        engine.dispose()
