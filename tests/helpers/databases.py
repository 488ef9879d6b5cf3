"""Copies of a database file for a test, with the journal's key that goes with it."""

from __future__ import annotations

import shutil
from pathlib import Path

from dashboard.store.journal import key_path


def copy_database(source: Path, target: Path) -> Path:
    """Copy the DuckDB file and its journal key (as an operator copies a base); returns `target`."""
    shutil.copyfile(source, target)
    shutil.copyfile(key_path(source), key_path(target))
    return target
