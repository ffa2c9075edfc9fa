"""Method files (YAML) that are broken in every way we could think of: a real method with
fields mutated, removed and retyped, YAML's own oddities (tags, aliases, deep nesting,
several documents), text that is not UTF-8. The loader answers a ``Method`` or a
``MethodFileError`` naming the file, never another exception."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import event, given
from hypothesis import strategies as st

from core.domain.method import Method
from core.methods.loader import BUILT_IN, MethodFileError, load_method_file
from tests.reliability.conftest import FUZZ
from tests.support.fuzz import json_values, mutated, nasty_text

ODDITIES = [
    "",
    "---\n---\n",
    "id: x\nphases: &p [*p]\n",
    "a: &a [*a, *a]\nid: x\n",
    "!!python/object/apply:os.system ['true']\n",
    "id: !!binary aGVsbG8=\n",
    "id: x\nmin_group_size: 99999999999999999999999999\n",
    "id: x\nmin_group_size: .inf\n",
    "id: x\nname: 2026-11-23\n",
    "id: x\n<<: {name: 1}\n",
    "id: x\nid: y\n",
    "[" * 5000 + "]" * 5000,
    "{" * 3000,
    "id: x\n\tphases: []\n",
    "\ufeffid: x\n",
    'id: "\\ud800"\n',
    "%YAML 9.9\n---\nid: x\n",
    "? [a, b]\n: c\n",
]
REAL = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(BUILT_IN.glob("*.yaml"))]


@st.composite
def method_file(draw: st.DrawFn) -> bytes:
    how = draw(st.sampled_from(["mutated", "oddity", "text", "value"]))
    event(how)
    if how == "oddity":
        return draw(st.sampled_from(ODDITIES)).encode("utf-8", "surrogatepass")
    if how == "text":
        return draw(nasty_text(200)).encode("utf-8", "surrogatepass")
    if how == "value":
        return yaml.safe_dump(draw(json_values())).encode("utf-8", "surrogatepass")
    data: dict[str, Any] = draw(mutated(draw(st.sampled_from(REAL)), max_mutations=3))
    return yaml.safe_dump(data, allow_unicode=True).encode("utf-8", "surrogatepass")


@FUZZ
@given(content=method_file(), name=st.sampled_from(["x", "gossip", "incident"]))
def test_any_method_file_loads_or_is_refused_by_name(
    content: bytes, name: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = Path(tmp_path_factory.mktemp("methods")) / f"{name}.yaml"
    path.write_bytes(content)
    try:
        method = load_method_file(path)
    except MethodFileError as refused:
        assert str(refused).startswith(path.name) and refused.problems
        return
    assert isinstance(method, Method) and method.id == name
