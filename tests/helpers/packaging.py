"""The project as a user installs it: a wheel built from the sources, installed with
`pip install --no-deps --target`, run with the checkout off `sys.path`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

from tests.helpers.workbooks import REPO_ROOT

# What the wheel is built from (a copy, so the build leaves nothing in the checkout).
SOURCES = ("pyproject.toml", "README.md", "dashboard", "scoring")


@dataclass(frozen=True)
class InstalledPackage:
    """A non-editable install in `target`; `python` runs it without the site hooks
    (no editable finder can reach the checkout), the dependencies taken from this venv."""

    wheel: Path
    target: Path

    @property
    def python(self) -> list[str]:
        return [sys.executable, "-S"]

    def env(self, **extra: str) -> dict[str, str]:
        dependencies = sysconfig.get_paths()["purelib"]
        base = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "JURY_DB")}
        return {**base, "PYTHONPATH": os.pathsep.join([str(self.target), dependencies]), **extra}


def _pip(*args: str) -> None:
    completed = subprocess.run([sys.executable, "-m", "pip", *args, "--quiet", "--disable-pip-version-check"],
                               capture_output=True, text=True, timeout=600)
    if completed.returncode != 0:
        raise RuntimeError(f"pip {' '.join(args)} a échoué :\n{completed.stdout}\n{completed.stderr}")


def build_and_install(work: Path) -> InstalledPackage:
    """`pip wheel --no-deps` of a copy of the sources, then `pip install --no-deps --target`."""
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        origin = REPO_ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(origin, source / name)
    wheels = work / "wheels"
    _pip("wheel", "--no-deps", str(source), "--wheel-dir", str(wheels))
    (wheel,) = wheels.glob("*.whl")
    target = work / "installed"
    _pip("install", "--no-deps", "--target", str(target), str(wheel))
    return InstalledPackage(wheel, target)
