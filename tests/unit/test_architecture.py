"""The core stays platform-neutral: no chat SDK, sign-in library, HTTP client or JWT."""

from __future__ import annotations

import ast
from pathlib import Path

FORBIDDEN = {"slack_bolt", "slack_sdk", "msal", "requests", "jwt", "integrations"}
CORE = Path(__file__).resolve().parents[2] / "core"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_no_file_under_core_imports_a_platform_or_http_library() -> None:
    files = list(CORE.rglob("*.py"))
    assert len(files) > 20
    offenders = {
        str(p.relative_to(CORE.parent)): sorted(imported_modules(p) & FORBIDDEN)
        for p in files
        if imported_modules(p) & FORBIDDEN
    }
    assert offenders == {}


def test_the_check_itself_notices_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "leak.py"
    sample.write_text("import requests\nfrom slack_sdk import WebClient\n")
    assert imported_modules(sample) & FORBIDDEN == {"requests", "slack_sdk"}


DOMAIN = CORE / "domain"
DOMAIN_MAY_IMPORT = {"pydantic", "dateutil", "core"}
"""dateutil: RFC 5545 recurrence rules (a trajectory's cadence) are domain arithmetic."""


def test_the_domain_imports_only_the_standard_library_pydantic_dateutil_and_itself() -> None:
    """The import contract lists the packages we have; this catches any other (a new
    dependency would otherwise slip past the contract)."""
    import sys

    files = list(DOMAIN.rglob("*.py"))
    assert len(files) > 10
    offenders = {}
    for path in files:
        outside = {
            module
            for module in imported_modules(path)
            if module not in sys.stdlib_module_names and module not in DOMAIN_MAY_IMPORT
        }
        core_parts = {
            m for m in _core_imports(path) if not m.startswith(("core.domain", "__future__"))
        }
        if outside or core_parts:
            offenders[path.name] = sorted(outside | core_parts)
    assert offenders == {}


def _core_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("core")
    }
