"""The code's shape: no function over 80 lines in `scoring/` and `dashboard/`, pages made of
small render functions called from one `main()`, and every shown label defined once."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers.workbooks import REPO_ROOT

MAX_FUNCTION_LINES = 80
PAGES = sorted(p for p in (REPO_ROOT / "dashboard" / "pages").glob("*.py") if p.name != "__init__.py")


def _sources(*roots: str) -> list[Path]:
    return sorted(p for root in roots for p in (REPO_ROOT / root).rglob("*.py"))


def _shown(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def long_functions(paths: list[Path], limit: int = MAX_FUNCTION_LINES) -> list[str]:
    """« path:line name (n lines) » for every function or method longer than `limit` lines."""
    found = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > limit:
                    found.append(f"{_shown(path)}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_no_function_over_80_lines() -> None:
    assert long_functions(_sources("scoring", "dashboard")) == []


def test_the_check_finds_a_long_function(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    source = tmp_path / "long.py"
    source.write_text(f"def short():\n    return 1\n\n\ndef too_long():\n{body}\n", encoding="utf-8")
    assert long_functions([source]) == [f"{source}:5 too_long ({MAX_FUNCTION_LINES + 1} lines)"]


def page_shape_problems(path: Path) -> list[str]:
    """What keeps a page from being imports, constants and definitions followed by one `main()` call."""
    body = ast.parse(path.read_text(encoding="utf-8")).body
    problems = []
    if not any(isinstance(n, ast.FunctionDef) and n.name == "main" for n in body):
        problems.append("no main() function")
    last = body[-1] if body else None
    if not (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
            and isinstance(last.value.func, ast.Name) and last.value.func.id == "main" and not last.value.args):
        problems.append("the last statement is not a bare main() call")
    allowed = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign)
    for node in body[:-1]:
        is_docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and node is body[0]
        if not (is_docstring or isinstance(node, allowed)):
            problems.append(f"line {node.lineno}: top-level {type(node).__name__}")
        elif isinstance(node, ast.Assign | ast.AnnAssign) and any(
                isinstance(n, ast.Call) for n in ast.walk(node.value or ast.Constant(None))):
            problems.append(f"line {node.lineno}: a top-level assignment calls a function")
    return problems


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_page_is_render_functions_called_from_main(page: Path) -> None:
    assert page_shape_problems(page) == []


def test_the_page_check_refuses_a_script(tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text('"""A page."""\nimport streamlit as st\nst.title("x")\nvalue = st.slider("v")\nst.write(value)\n',
                      encoding="utf-8")
    problems = page_shape_problems(script)
    assert "no main() function" in problems and "the last statement is not a bare main() call" in problems
    assert "line 4: a top-level assignment calls a function" in problems


LABEL_NAMES = ("JURY_PROFILE", "EQUAL_WEIGHTS", "GROUP_LABELS", "PREFERENCE_LABELS", "FORCING_LABELS",
               "METHOD_LABELS", "WEIGHTING_LABELS", "MISSING_LABELS", "AGGREGATION_LABELS", "ROLE_LABELS",
               "CR_THRESHOLD", "DIRECTION_LABELS", "CONSTRAINT_TYPE_LABELS", "KIND_LABELS", "TABLE_LABELS")


def test_shared_names_are_defined_once() -> None:
    definitions: dict[str, list[str]] = {}
    for path in _sources("scoring", "dashboard"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = node.targets if isinstance(node, ast.Assign) else \
                [node.target] if isinstance(node, ast.AnnAssign) else []
            for target in targets:
                if isinstance(target, ast.Name) and target.id in LABEL_NAMES:
                    definitions.setdefault(target.id, []).append(str(path.relative_to(REPO_ROOT)))
    repeated = {name: where for name, where in definitions.items() if len(where) > 1}
    assert repeated == {}
    assert set(definitions) == set(LABEL_NAMES)
