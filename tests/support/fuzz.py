"""Hypothesis strategies for malformed input: recorded payloads with fields mutated,
removed and retyped, and strings full of Unicode, NULs and control characters."""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

from hypothesis import strategies as st

Path = tuple[str | int, ...]

NASTY: tuple[str, ...] = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x1b[31mred",
    "line\r\nbreak\ttab",
    "\u202eevil",
    "\ufeff",
    "\ud800",
    "²",
    "٣",
    "1²",
    "-1",
    "0",
    "1e9",
    "99999999999999999999999",
    "2147483648",
    "9223372036854775808",
    "NaN",
    "{",
    "{}",
    "[]",
    "null",
    '{"group_id": "²"}',
    '{"form": "form.case", "group_id": []}',
    "|",
    "12|",
    "|phase:1",
    "1|²",
    "²|phase:0",
    "1|phase:²",
    "<!channel>",
    "<@U0MEMBER01>",
    "&amp;&lt;&gt;",
    "<at>Intervision</at>",
    "9999-12-31T23:59:59",
    "0001-01-01",
    "253402300800",
    "-62135596801",
)
"""Values that broke a parser somewhere: superscript digits, NULs, huge numbers, ids
without a meeting, JSON where text is expected."""

_UNICODE = st.characters(codec="utf-8", exclude_categories=())  # surrogates excluded by codec


def nasty_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Short strings of any Unicode, control characters and NULs, or a known bad value."""
    control = st.sampled_from([chr(c) for c in (*range(0, 32), 127, 0x85, 0x2028)])
    mixed = st.text(st.one_of(_UNICODE, control), max_size=max_size)
    long = st.integers(min_value=2990, max_value=3010).map(lambda n: "x" * n)
    deep = st.integers(min_value=1000, max_value=1400).map(lambda n: "[" * n)  # JSON's depth
    return st.one_of(st.sampled_from(NASTY), mixed, long, deep)


def json_values(text: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Any]:
    """Any JSON value, small, with nasty strings as keys and leaves."""
    leaves = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        text or nasty_text(),
    )
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=3),
            st.dictionaries(nasty_text(8), children, max_size=3),
        ),
        max_leaves=6,
    )


def paths(value: Any, prefix: Path = ()) -> list[Path]:
    """Every path into a JSON value (dict keys and list indexes), the root excluded."""
    found: list[Path] = []
    items: Sequence[tuple[str | int, Any]] = ()
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    for key, child in items:
        found.append((*prefix, key))
        found.extend(paths(child, (*prefix, key)))
    return found


def _parent(root: Any, path: Path) -> Any:
    for key in path[:-1]:
        root = root[key]
    return root


def _retype(value: Any) -> list[Any]:
    """The same value in other JSON types."""
    text = value if isinstance(value, str) else str(value)
    return [text, [value], {"id": value}, 0, -1, 1.5, True, None, ""]


@st.composite
def mutated(
    draw: st.DrawFn,
    payload: dict[str, Any],
    *,
    keep: Callable[[Path], bool] = lambda path: False,
    extra: st.SearchStrategy[Any] | None = None,
    max_mutations: int = 4,
) -> dict[str, Any]:
    """``payload`` with 1..``max_mutations`` of its fields removed, replaced by another
    JSON value or a nasty string, retyped, or with control characters spliced into a
    string. ``keep(path)`` protects a field (e.g. the one the signature is about)."""
    body = copy.deepcopy(payload)
    for _ in range(draw(st.integers(min_value=1, max_value=max_mutations))):
        candidates = [p for p in paths(body) if not keep(p)]
        if not candidates:
            break
        path = draw(st.sampled_from(candidates))
        parent = _parent(body, path)
        key = path[-1]
        current = parent[key]
        how = draw(st.sampled_from(["remove", "replace", "nasty", "retype", "splice"]))
        if how == "remove":
            if isinstance(parent, list):
                parent.pop(key)  # type: ignore[call-overload]
            else:
                del parent[key]
        elif how == "replace":
            parent[key] = draw(extra if extra is not None else json_values())
        elif how == "nasty":
            parent[key] = draw(nasty_text())
        elif how == "retype":
            parent[key] = draw(st.sampled_from(_retype(current)))
        elif isinstance(current, str):
            at = draw(st.integers(min_value=0, max_value=len(current)))
            parent[key] = current[:at] + draw(nasty_text(6)) + current[at:]
        else:
            parent[key] = draw(nasty_text())
    return body


def set_path(payload: dict[str, Any], path: Path, value: Any) -> dict[str, Any]:
    body = copy.deepcopy(payload)
    _parent(body, path)[path[-1]] = value
    return body
