"""The operator command `jury`, run as a real subprocess on a temporary database."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from dashboard.cli import build_parser
from dashboard.ui.server import ENTRY_SCRIPT, SERVER_SETTINGS
from tests.helpers.workbooks import DEMO_WORKBOOK, REPO_ROOT


def jury(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard", *args], input=stdin, capture_output=True,
                          text=True, timeout=300, env={**os.environ})


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "jury.duckdb"
    result = jury("init", "--db", str(path))
    assert result.returncode == 0, result.stderr
    assert "Comptes de DÉMONSTRATION" in result.stdout and "demo-jury-2019" in result.stdout
    return path


def summary(db: Path) -> list[dict]:
    result = jury("summary", "--json", "--db", str(db))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_summary_reports_the_demo_calls(demo_db: Path) -> None:
    calls = {entry["call"]: entry for entry in summary(demo_db)}
    assert set(calls) == {"AMI1", "AMI2-P1", "AMI2-P2", "AMI2-P3"}
    assert calls["AMI1"]["dossiers"] == 85
    assert calls["AMI1"]["historical_laureates"] == 55
    assert calls["AMI1"]["jurors"] == 9
    assert calls["AMI1"]["ratings"] > 0
    for entry in calls.values():
        assert {"call", "label", "dossiers", "historical_laureates", "jurors", "ratings", "documents"} <= set(entry)
        assert entry["documents"] == entry["dossiers"], "jury init attaches one demo PDF per dossier"


def test_attach_adds_three_named_pdfs_once(demo_db: Path, tmp_path: Path) -> None:
    from tests.helpers.documents import pdf_bytes, write_files

    folder = write_files(tmp_path / "pieces", {f"AMI1-00{n}_budget.pdf": pdf_bytes(n) for n in (1, 2, 3)})
    before = {entry["call"]: entry["documents"] for entry in summary(demo_db)}
    result = jury("attach", str(folder), "--call", "AMI1", "--db", str(demo_db))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "Pièces de l'appel « AMI1 » : 3 nouveaux, 0 déjà présent."
    after = {entry["call"]: entry["documents"] for entry in summary(demo_db)}
    assert after == {**before, "AMI1": before["AMI1"] + 3}
    again = jury("attach", str(folder), "--call", "AMI1", "--db", str(demo_db))
    assert again.returncode == 0 and "0 nouveau, 3 déjà présents" in again.stdout
    assert {entry["call"]: entry["documents"] for entry in summary(demo_db)} == after
    (folder / "lisez-moi.txt").write_text("à lire")
    refused = jury("attach", str(folder), "--call", "AMI1", "--db", str(demo_db))
    assert refused.returncode == 2 and refused.stdout == ""
    assert "Import des pièces refusé : 1 problème trouvé, la base n'a pas été modifiée." in refused.stderr
    assert "Fichier « lisez-moi.txt » : ne correspond à aucun dossier de l'appel « AMI1 »" in refused.stderr
    assert jury("audit", "--verify", "--db", str(demo_db)).returncode == 0


def test_second_init_reuses_the_database(demo_db: Path) -> None:
    before = summary(demo_db)
    result = jury("init", "--db", str(demo_db))
    assert result.returncode == 0 and "réutilisée" in result.stdout
    assert summary(demo_db) == before


def test_damaged_demo_copy_is_refused_with_every_problem_named(demo_db: Path, tmp_path: Path) -> None:
    before = summary(demo_db)
    workbook = openpyxl.load_workbook(DEMO_WORKBOOK)
    dossiers, ratings, candidates, values = (workbook[n] for n in ("Dossiers", "Notes", "Candidats", "Valeurs"))
    dossiers.append([c.value for c in dossiers[2]])                       # duplicated dossier id
    duplicated_id = dossiers.cell(row=2, column=1).value
    ratings.cell(row=2, column=4, value=7)                                # a rating of 7
    values.cell(row=3, column=3, value="beaucoup")                        # text in a numeric column
    candidates.cell(row=2, column=4, value="99999")                       # unknown INSEE code
    damaged = tmp_path / "demo_endommagee.xlsx"
    workbook.save(damaged)

    result = jury("import", str(damaged), "--db", str(demo_db))
    assert result.returncode == 2
    report = result.stderr
    assert "Import refusé" in report and "la base n'a pas été modifiée" in report
    assert (f"Feuille « Dossiers », ligne {dossiers.max_row}, colonne « Identifiant », "
            f"valeur « {duplicated_id} » : identifiant en double") in report
    assert "Feuille « Notes », ligne 2, colonne « Note », valeur « 7 » : valeur hors de l'intervalle 1–5" in report
    assert "Feuille « Valeurs », ligne 3, colonne « Valeur », valeur « beaucoup » : nombre attendu" in report
    assert "Feuille « Candidats », ligne 2, colonne « Code INSEE », valeur « 99999 » : code INSEE inconnu" in report
    assert "Traceback" not in report
    assert summary(demo_db) == before


def test_reimporting_the_demo_changes_nothing(demo_db: Path) -> None:
    before = summary(demo_db)
    result = jury("import", str(DEMO_WORKBOOK), "--db", str(demo_db))
    assert result.returncode == 0, result.stderr
    assert "Aucun changement" in result.stdout
    assert summary(demo_db) == before


def test_user_commands_and_audit(demo_db: Path) -> None:
    added = jury("user", "add", "marie.curie", "--role", "direction", "--name", "Marie Curie",
                 "--organisation", "Cnam", "--db", str(demo_db), stdin="radium-1898\n")
    assert added.returncode == 0, added.stderr
    assert "radium" not in added.stdout
    listed = jury("user", "list", "--db", str(demo_db))
    assert "marie.curie" in listed.stdout and "direction" in listed.stdout
    short = jury("user", "passwd", "marie.curie", "--db", str(demo_db), stdin="court\n")
    assert short.returncode == 2 and "trop court" in short.stderr
    changed = jury("user", "passwd", "marie.curie", "--db", str(demo_db), stdin="polonium-1898\n")
    assert changed.returncode == 0
    duplicate = jury("user", "add", "marie.curie", "--role", "direction", "--name", "X", "--db", str(demo_db),
                     stdin="radium-1898\n")
    assert duplicate.returncode == 2 and "existe déjà" in duplicate.stderr
    audit = json.loads(jury("audit", "--json", "--db", str(demo_db)).stdout)
    actions = [(entry["action"], entry["entity_id"]) for entry in audit]
    assert ("création de compte", "marie.curie") in actions
    assert ("changement de mot de passe", "marie.curie") in actions
    assert actions[0][0] == "import"
    assert all("password" not in json.dumps(entry) for entry in audit)


def test_bad_arguments_get_a_french_message(tmp_path: Path) -> None:
    result = jury("user", "add", "x", "--role", "roi", "--name", "X", "--db", str(tmp_path / "x.duckdb"))
    assert result.returncode == 2 and "Erreur : arguments invalides" in result.stderr
    assert "choix invalide 'roi' (choix possibles : " in result.stderr
    assert "utilisation : jury user add" in result.stderr and "invalid choice" not in result.stderr
    missing = jury("import", str(tmp_path / "absent.xlsx"), "--db", str(tmp_path / "x.duckdb"))
    assert missing.returncode == 2 and "Fichier introuvable" in missing.stderr


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """A parser and every subcommand's under it."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


# argparse's English, and the capitalised English names it would show as placeholders.
ENGLISH_HELP = re.compile(r"usage:|\boptions:|positional arguments|show this help|help message|\b(DB|CALL|OUT|SIZE|"
                          r"PROFILE|CONSTRAINTS|NAME|ORGANISATION|JUROR|ADDRESS|FILE|LOGIN)\b")


def test_every_help_is_french() -> None:
    """`jury --help` and each subcommand's (`jury user add --help` included): headings, `-h`,
    placeholders and every argument's sentence in French."""
    helps = {parser.prog: parser.format_help() for parser in _parsers(build_parser())}
    assert len(helps) == 19 and "jury user add" in helps
    for prog, text in helps.items():
        assert text.startswith(f"utilisation : {prog}"), prog
        assert "  -h, --help" in text and "affiche cette aide et quitte" in text, prog
        assert not ENGLISH_HELP.search(text), (prog, ENGLISH_HELP.search(text))
        undocumented = [action.dest for parser in _parsers(build_parser()) if parser.prog == prog
                        for action in parser._actions
                        if not action.help and not isinstance(action, argparse._SubParsersAction)]
        assert undocumented == [], prog
    assert jury("--help").stdout == helps["jury"]


def test_serve_passes_the_settings_of_the_checkout_config_itself() -> None:
    """`jury serve` gives Streamlit every setting of `.streamlit/config.toml` (but the port,
    which is its own option) in code, whatever the working folder."""
    with (REPO_ROOT / ".streamlit" / "config.toml").open("rb") as handle:
        config = tomllib.load(handle)
    flat = {f"{section}.{name}": value for section, values in config.items() for name, value in values.items()}
    assert flat.pop("server.port") == 8501
    assert flat == SERVER_SETTINGS
    assert SERVER_SETTINGS["client.showErrorDetails"] == "none"
    assert SERVER_SETTINGS["runner.fastReruns"] is False  # one script thread per session (see server.py)
    assert ENTRY_SCRIPT == REPO_ROOT / "dashboard" / "ui" / "app.py"


def test_a_reader_that_goes_away_stops_the_command_quietly(demo_db: Path) -> None:
    """`jury audit --json | head`: the pipe is closed before the command writes; it stops
    with 141 (as Unix tools do when their reader leaves), no traceback."""
    process = subprocess.Popen([sys.executable, "-m", "dashboard", "audit", "--json", "--db", str(demo_db)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    error = process.stderr.read()
    assert process.wait(timeout=300) == 141
    assert error == ""


def test_an_unexpected_error_is_one_french_line_and_its_detail_is_consigned(
        demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from dashboard import cli

    def broken(args: object) -> int:
        raise KeyError(f"colonne absente de {tmp_path}/secret.xlsx")

    monkeypatch.setattr(cli, "cmd_summary", broken)
    db = tmp_path / "jury.duckdb"
    assert cli.main(["summary", "--db", str(db)]) == 1
    error = capsys.readouterr().err
    log = tmp_path / "jury.incidents.log"
    assert error.startswith(f"Erreur inattendue (détail consigné dans « {log} », référence ")
    assert error.count("\n") == 1 and "Traceback" not in error and "secret.xlsx" not in error
    reference = error.split("référence ")[1].split(")")[0]
    logged = log.read_text(encoding="utf-8")
    assert f"référence {reference} — jury summary — KeyError" in logged and "Traceback" in logged


def test_a_store_failure_keeps_duckdb_words_for_the_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    import duckdb

    from dashboard import cli
    from dashboard.store.failures import translate

    def failing(args: object) -> int:
        try:
            raise duckdb.IOException('IO Error: Could not read from file "/srv/jury.duckdb": Input/output error')
        except duckdb.Error as exc:
            raise translate(exc, "Lecture impossible") from exc

    monkeypatch.setattr(cli, "cmd_summary", failing)
    assert cli.main(["summary", "--db", str(tmp_path / "jury.duckdb")]) == 2
    error = capsys.readouterr().err
    assert error.startswith("Erreur : Lecture impossible : la base a refusé l'opération")
    assert "IO Error" not in error and error.count("\n") == 1
    assert "Input/output error" in (tmp_path / "jury.incidents.log").read_text(encoding="utf-8")


def test_assign_gives_each_eligible_dossier_two_rapporteurs_and_explains_a_refusal(demo_db: Path) -> None:
    result = jury("assign", "--call", "AMI1", "--per-dossier", "2", "--json", "--db", str(demo_db))
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    per_dossier: dict[str, list[str]] = {}
    for row in rows:
        per_dossier.setdefault(row["dossier"], []).append(row["juror"])
    assert set(map(len, per_dossier.values())) == {2} and "JUR-01" not in {row["juror"] for row in rows}
    loads = [sum(1 for row in rows if row["juror"] == juror) for juror in {row["juror"] for row in rows}]
    assert max(loads) - min(loads) <= 1
    assert {e["call"]: e["rapporteurs"] for e in summary(demo_db)}["AMI1"] == len(rows)
    refused = jury("assign", "--call", "AMI1", "--per-dossier", "2", "--max-load", "3", "--db", str(demo_db))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "Plafond trop bas" in refused.stderr and "un plafond de 3 dossiers" in refused.stderr
    assert {e["call"]: e["rapporteurs"] for e in summary(demo_db)}["AMI1"] == len(rows)  # nothing changed


def test_template_then_three_filled_forms_then_intake_add_three_dossiers(demo_db: Path, tmp_path: Path) -> None:
    from tests.helpers.documents import pdf_bytes, write_files
    from tests.helpers.forms import DOLE, MILLAU, VIERZON, answer_cell, filled_form

    result = jury("template", "--call", "AMI2-P3", "--out", str(tmp_path), "--db", str(demo_db))
    assert result.returncode == 0, result.stderr
    blank = (tmp_path / "formulaire_AMI2-P3.xlsx").read_bytes()
    assert result.stdout.startswith(f"Formulaire écrit : {tmp_path / 'formulaire_AMI2-P3.xlsx'}")
    before = {entry["call"]: entry for entry in summary(demo_db)}
    wrong = write_files(tmp_path / "erreur", {"formulaire_Vierzon.xlsx": filled_form(blank, VIERZON),
                                              "formulaire_Dole.xlsx": filled_form(blank, {**DOLE, "D01": "-3"})})
    result = jury("intake", str(wrong), "--call", "AMI2-P3", "--db", str(demo_db))
    assert result.returncode == 2 and result.stdout == ""
    assert (f"Fichier « formulaire_Dole.xlsx », feuille « Formulaire », cellule {answer_cell(blank, 'D01')} "
            "(Engagement financier de la collectivité (k€ par an)), valeur « -3 » : valeur inférieure au minimum 0"
            in result.stderr)
    assert {entry["call"]: entry for entry in summary(demo_db)} == before
    folder = write_files(tmp_path / "formulaires", {"Vierzon/formulaire.xlsx": filled_form(blank, VIERZON),
                                                    "Vierzon/budget.pdf": pdf_bytes(),
                                                    "formulaire_Millau.xlsx": filled_form(blank, MILLAU),
                                                    "formulaire_Dole.xlsx": filled_form(blank, DOLE)})
    result = jury("intake", str(folder), "--call", "AMI2-P3", "--db", str(demo_db))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == ("Formulaires de l'appel « AMI2-P3 » (formulaires) : 3 dossier(s) "
                                             "ajouté(s), 0 formulaire(s) déjà reçu(s), 1 pièce(s) jointe(s).")
    after = {entry["call"]: entry for entry in summary(demo_db)}
    assert after["AMI2-P3"]["dossiers"] == before["AMI2-P3"]["dossiers"] + 3
    assert after["AMI2-P3"]["documents"] == before["AMI2-P3"]["documents"] + 1
    assert {call: entry for call, entry in after.items() if call != "AMI2-P3"} == {
        call: entry for call, entry in before.items() if call != "AMI2-P3"}
