"""Loads method files (YAML) from the built-in library and an optional custom folder.

A broken file is reported by name, field and reason, never as a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml
from pydantic import ValidationError

from core.domain.errors import NotFound
from core.domain.method import Method

BUILT_IN = Path(__file__).parent / "library"


class MethodFileError(Exception):
    """A method file that cannot be used; the message names the file, field and reason."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path.name}: " + "; ".join(problems))


class MethodLibrary:
    def __init__(self, methods: Iterable[Method]) -> None:
        self._methods = {method.id: method for method in methods}

    def __iter__(self) -> Iterator[Method]:
        return iter(self._methods.values())

    def __len__(self) -> int:
        return len(self._methods)

    def __contains__(self, method_id: object) -> bool:
        return method_id in self._methods

    def get(self, method_id: str) -> Method:
        try:
            return self._methods[method_id]
        except KeyError:
            raise NotFound("method.not_found", method=method_id) from None

    def ids(self) -> list[str]:
        return list(self._methods)


def load_method_file(path: Path) -> Method:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise MethodFileError(path, [f"cannot be read ({exc.__class__.__name__})"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise MethodFileError(path, [f"is not valid YAML{where}"]) from None
    except RecursionError:
        raise MethodFileError(path, ["is nested too deeply to read"]) from None
    if not isinstance(data, dict):
        raise MethodFileError(path, ["must be a mapping of fields (id, name, phases, ...)"])
    try:
        method = Method.model_validate(data)
    except ValidationError as exc:
        raise MethodFileError(path, [_describe(error) for error in exc.errors()]) from None
    except RecursionError:
        raise MethodFileError(path, ["refers to itself (an alias inside its anchor)"]) from None
    if method.id != path.stem:
        raise MethodFileError(path, [f"field 'id': {method.id!r} must match the file name"])
    return method


def _describe(error: object) -> str:
    assert isinstance(error, dict)
    location = ".".join(str(part) for part in error.get("loc", ())) or "(file)"
    message = str(error.get("msg", "invalid"))
    return f"field '{location}': {message}"


def load_library(custom_folder: Path | None = None) -> MethodLibrary:
    """The built-in methods plus those in ``custom_folder``; a custom method with the same
    id as a built-in one replaces it. Raises ``MethodFileError`` on the first broken file."""
    methods: dict[str, Method] = {}
    folders = [BUILT_IN] + ([custom_folder] if custom_folder else [])
    for folder in folders:
        if not folder.is_dir():
            raise MethodFileError(folder, ["the methods folder does not exist"])
        for path in sorted(folder.glob("*.y*ml")):
            method = load_method_file(path)
            methods[method.id] = method
    return MethodLibrary(methods.values())
