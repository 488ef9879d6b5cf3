"""The layers hold: `lint-imports` checks the contracts written in pyproject.toml
(the engine and the core import no framework, services and reports no Streamlit,
the store nothing above it, and only the store imports duckdb)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.helpers.workbooks import REPO_ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path, config: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--config", str(config)], cwd=root,
                          env={"PYTHONPATH": str(root), "PATH": str(LINT_IMPORTS.parent)},
                          capture_output=True, text=True, timeout=300)


def contracts() -> list[dict]:
    with (REPO_ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["tool"]["importlinter"]["contracts"]


def forbids(source: str, module: str) -> bool:
    """Some contract forbids `source` (or a package holding it) to import `module` (or a package holding it)."""
    def within(name: str, package: str) -> bool:
        return name == package or name.startswith(package + ".")

    return any(within(source, origin) and within(module, banned) for contract in contracts()
               for origin in contract["source_modules"] for banned in contract["forbidden_modules"])


def test_the_contracts_name_every_layer_rule() -> None:
    for source in ("scoring", "dashboard.core"):
        for module in ("streamlit", "duckdb", "openpyxl", "dashboard.services", "dashboard.ui", "dashboard.store"):
            assert forbids(source, module), (source, module)
    for source in ("dashboard.services", "dashboard.report"):
        for module in ("streamlit", "dashboard.ui", "dashboard.pages"):
            assert forbids(source, module), (source, module)
    for module in ("dashboard.services", "dashboard.ui", "dashboard.report"):
        assert forbids("dashboard.store", module), module
    for source in ("dashboard.ui", "dashboard.pages", "dashboard.services", "dashboard.cli", "scoring"):
        assert forbids(source, "duckdb"), source
    assert not forbids("dashboard.ui", "streamlit")


def test_the_tree_keeps_its_layers() -> None:
    result = lint_imports(REPO_ROOT, REPO_ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(contracts())} kept, 0 broken." in result.stdout


def test_a_forbidden_import_is_caught(tmp_path: Path) -> None:
    """The same contracts on a copy of the tree where the core imports Streamlit and a page imports duckdb."""
    for package in ("dashboard", "scoring"):
        shutil.copytree(REPO_ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(REPO_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    formatting = tmp_path / "dashboard" / "core" / "formatting.py"
    formatting.write_text(formatting.read_text(encoding="utf-8") + "\nimport streamlit\n", encoding="utf-8")
    journal = tmp_path / "dashboard" / "pages" / "journal.py"
    journal.write_text(journal.read_text(encoding="utf-8") + "\nimport duckdb\n", encoding="utf-8")
    result = lint_imports(tmp_path, tmp_path / "pyproject.toml")
    assert result.returncode != 0
    assert "The core is pure BROKEN" in result.stdout
    assert "dashboard.core.formatting -> streamlit" in result.stdout
    assert "Only the store imports duckdb BROKEN" in result.stdout
    assert "dashboard.pages.journal -> duckdb" in result.stdout


def test_the_core_opens_no_file_but_package_data() -> None:
    """`dashboard.core` reads package data through `dashboard.resources` only: no `open()`,
    no pathlib or os, no pandas readers of paths."""
    readers = {"read_csv", "read_excel", "read_json", "read_parquet", "read_table"}
    banned_modules = ("os", "pathlib")
    found = []
    for path in sorted((REPO_ROOT / "dashboard" / "core").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [f"{path.name}: import {a.name}" for a in node.names
                          if a.name.split(".")[0] in banned_modules]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in banned_modules:
                found.append(f"{path.name}: from {node.module}")
            elif isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if (isinstance(node.func, ast.Name) and name == "open") or name in readers:
                    found.append(f"{path.name}:{node.lineno}: {name}()")
    assert not found, found
