"""The project as an operator installs it: a wheel (not editable), run from another folder
with the checkout off `sys.path`, finds its package data and fills the demo database."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

from tests.helpers.packaging import InstalledPackage
from tests.helpers.workbooks import REPO_ROOT

PACKAGE_DATA = ["dashboard/resources/communes.csv", "dashboard/resources/university_hubs.csv",
                "dashboard/resources/departements.geojson", "dashboard/resources/demo_ami.xlsx",
                "dashboard/resources/fonts/DejaVuSansCondensed.ttf",
                "dashboard/resources/fonts/DejaVuSansCondensed-Bold.ttf",
                "dashboard/resources/fonts/LICENCE-DejaVu.txt", "dashboard/ui/app.py"]


def run(package: InstalledPackage, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([*package.python, *args], cwd=cwd, env=package.env(**env), capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


def test_the_wheel_ships_the_package_data_every_page_and_every_schema_file(
        installed_package: InstalledPackage) -> None:
    names = set(zipfile.ZipFile(installed_package.wheel).namelist())
    pages = [f"dashboard/pages/{p.name}" for p in (REPO_ROOT / "dashboard" / "pages").glob("*.py")]
    schema = [f"dashboard/store/sql/{p.name}" for p in (REPO_ROOT / "dashboard" / "store" / "sql").glob("*.sql")]
    assert len(pages) > 10 and len(schema) >= 3
    missing = sorted(set(PACKAGE_DATA + pages + schema) - names)
    assert not missing, f"absent du paquet : {missing}"


def test_installed_package_runs_from_another_folder_off_the_checkout(
        installed_package: InstalledPackage, tmp_path: Path) -> None:
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    probe = run(installed_package, "-c",
                "import json, sys, dashboard, dashboard.pages, scoring; "
                "print(json.dumps([dashboard.__file__, dashboard.pages.__file__, scoring.__file__, sys.path]))",
                cwd=elsewhere)
    assert probe.returncode == 0, probe.stderr
    *modules, path = json.loads(probe.stdout)
    target = installed_package.target.resolve()
    assert all(Path(module).resolve().is_relative_to(target) for module in modules), modules
    assert not any(Path(entry or elsewhere).resolve() == REPO_ROOT for entry in path), path

    db = elsewhere / "base" / "jury.duckdb"
    init = run(installed_package, "-m", "dashboard", "init", "--db", str(db), cwd=elsewhere)
    assert init.returncode == 0, init.stderr
    assert f"Base créée : {db}" in init.stdout
    summary = run(installed_package, "-m", "dashboard", "summary", "--json", "--db", str(db), cwd=elsewhere)
    assert summary.returncode == 0, summary.stderr
    by_call = {entry["call"]: entry for entry in json.loads(summary.stdout)}
    assert by_call["AMI1"]["dossiers"] == 85
    assert by_call["AMI1"]["historical_laureates"] == 55
    report = elsewhere / "rapport.pdf"  # the PDF's fonts come from the package data too
    written = run(installed_package, "-m", "dashboard", "rapport", "--call", "AMI1", "--size", "55", "--db", str(db),
                  "--out", str(report), cwd=elsewhere)
    assert written.returncode == 0, written.stderr
    assert report.read_bytes().startswith(b"%PDF-")


def test_the_default_database_lies_under_the_working_directory(
        installed_package: InstalledPackage, tmp_path: Path) -> None:
    init = run(installed_package, "-m", "dashboard", "init", cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    assert (tmp_path / "data" / "jury.duckdb").is_file()
    chosen = tmp_path / "choisie.duckdb"
    summary = run(installed_package, "-m", "dashboard", "summary", cwd=tmp_path, JURY_DB=str(chosen))
    assert summary.returncode == 0, summary.stderr
    assert chosen.is_file()
    assert summary.stdout.strip() == "Aucun appel dans la base."
