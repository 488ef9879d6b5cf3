"""`jury` while `jury serve` holds the database: every command goes through the server's
operator route and gives what it gives on a stopped server; the route wants the secret;
a backup made while serving restores, after the server stopped, to the same data.

One server for the module (a copy of the demo database); the comparison runs the same
commands, in the same order, on a second copy that no server holds. The last test runs
the operator's own sequence with real `jury` processes and a server of its own.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from dashboard.cli import build_parser, main
from dashboard.services.operations import OPERATIONS, SERVER_REFUSED
from dashboard.services.operator_link import ROUTE, discovery_path, token_digest, token_path
from dashboard.store.journal import key_path
from tests.helpers.databases import copy_database
from tests.helpers.documents import pdf_bytes, write_files, zip_of
from tests.helpers.pdf import pdf_text, without_times
from tests.helpers.server import free_port, serving
from tests.helpers.workbooks import DEMO_WORKBOOK, REPO_ROOT

PASSWORD = "radium-1898\n"


@pytest.fixture(scope="module")
def copies(demo_database_file: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo twice: the copy the server holds, and the copy commands open themselves."""
    folder = tmp_path_factory.mktemp("operator")
    (folder / "servie").mkdir()
    (folder / "arretee").mkdir()
    return (copy_database(demo_database_file, folder / "servie" / "jury.duckdb"),
            copy_database(demo_database_file, folder / "arretee" / "jury.duckdb"))


@pytest.fixture(scope="module")
def server_url(copies: tuple[Path, Path]) -> Iterator[str]:
    served, _ = copies
    with serving([sys.executable], cwd=REPO_ROOT, env={**os.environ, "JURY_DB": str(served)},
                 log=served.with_name("server.log")) as url:
        yield url


@pytest.fixture(scope="module")
def damaged_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workbook = openpyxl.load_workbook(DEMO_WORKBOOK)
    workbook["Notes"].cell(row=2, column=4, value=7)
    path = tmp_path_factory.mktemp("damaged") / "demo_endommagee.xlsx"
    workbook.save(path)
    return path


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str,
        stdin: str = "") -> tuple[int, str, str]:
    """`jury ARGS` in this process: (exit code, standard output, standard error)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _without(value: object, keys: set[str]) -> object:
    """`value` with the given keys dropped from every dict in it (times, heads)."""
    if isinstance(value, dict):
        return {k: _without(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_without(v, keys) for v in value]
    return value


def _comparable(step: tuple[str, ...], db: Path, result: tuple[int, str, str]) -> tuple[int, str, str]:
    """What must be equal on both copies: the output with the database's own folder, the
    journal's times and heads (every entry is timed, so heads differ) left out."""
    folder = str(db.parent)
    code, out, err = result[0], result[1].replace(folder, "<dossier>"), result[2].replace(folder, "<dossier>")
    if "--json" in step and out.strip():
        out = json.dumps(_without(json.loads(out), {"at", "head"}), ensure_ascii=False)
    out = re.sub(r"^Tête du journal : [0-9a-f]{64}$", "Tête du journal : <tête>", out, flags=re.MULTILINE)
    if step[0] == "audit" and "--json" not in step and "--verify" not in step:
        out = re.sub(r"^\S+  ", "<heure>  ", out, flags=re.MULTILINE)
    return code, out, err


def test_every_command_gives_the_same_result_through_the_server_and_on_the_file(
        copies: tuple[Path, Path], server_url: str, damaged_workbook: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    served, stopped = copies
    assert json.loads(discovery_path(served).read_text())["port"] == int(server_url.rsplit(":", 1)[1])
    assert not discovery_path(stopped).exists()
    user = ("--role", "direction", "--name", "Marie Curie", "--organisation", "Cnam")
    pieces = write_files(tmp_path / "pieces", {f"AMI1-00{n}_budget.pdf": pdf_bytes(n) for n in (1, 2, 3)})
    slip = tmp_path / "envoi.zip"
    slip.write_bytes(zip_of({"AMI1-004_budget.pdf": pdf_bytes(), "../AMI1-005_budget.pdf": pdf_bytes()}))
    steps: list[tuple[tuple[str, ...], str]] = [
        (("summary", "--json"), ""),
        (("summary",), ""),
        (("user", "list"), ""),
        (("user", "add", "marie.curie", *user), PASSWORD),
        (("user", "add", "marie.curie", *user), PASSWORD),            # refused: exists
        (("user", "passwd", "marie.curie"), "polonium-1898\n"),
        (("import", str(DEMO_WORKBOOK)), ""),                         # nothing changes
        (("import", str(damaged_workbook)), ""),                      # refused whole
        (("attach", str(pieces), "--call", "AMI1"), ""),                 # three new documents
        (("attach", str(pieces), "--call", "AMI1"), ""),                 # « 0 nouveau »
        (("attach", str(slip), "--call", "AMI1"), ""),                   # refused whole
        (("assign", "--call", "AMI1", "--per-dossier", "2", "--json"), ""),   # the rapporteurs
        (("assign", "--call", "AMI1", "--per-dossier", "2", "--max-load", "3"), ""),  # refused: the cap
        (("export", "--call", "AMI9", "--size", "3", "--out", str(tmp_path)), ""),  # unknown call
        (("export", "--call", "AMI1", "--seance", "99", "--out", str(tmp_path)), ""),  # unknown séance
        (("rapport", "--call", "AMI9", "--out", str(tmp_path)), ""),                 # unknown call
        (("pv", "--call", "AMI1", "--out", str(tmp_path)), ""),                      # no séance yet
        (("init",), ""),
        (("user", "list"), ""),
        (("audit", "--json"), ""),
        (("audit",), ""),
        (("audit", "--verify"), ""),
        (("audit", "--verify", "--json", "--head", "0" * 64), ""),    # a head it never had
        (("summary", "--json"), ""),
    ]
    codes, outputs = [], []
    for step, stdin in steps:
        through_server = run(capsys, monkeypatch, *step, "--db", str(served), stdin=stdin)
        on_the_file = run(capsys, monkeypatch, *step, "--db", str(stopped), stdin=stdin)
        assert _comparable(step, served, through_server) == _comparable(step, stopped, on_the_file), step
        assert "Traceback" not in through_server[1] + through_server[2]
        codes.append(through_server[0])
        outputs.append(through_server[1] + through_server[2])
    assert codes == [0, 0, 0, 0, 2, 0, 0, 2, 0, 0, 2, 0, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 1, 0]
    assert "Aucun changement" in outputs[6] and "Import refusé" in outputs[7] and "réutilisée" in outputs[17]
    assert "3 nouveaux" in outputs[8] and "0 nouveau, 3 déjà présents" in outputs[9]
    assert "Import des pièces refusé" in outputs[10] and "chemin refusé" in outputs[10]
    assigned = [row["dossier"] for row in json.loads(outputs[11])]
    assert assigned and {assigned.count(d) for d in assigned} == {2} and "Plafond trop bas" in outputs[12]
    assert "Erreur : Séance n° 99 inconnue." in outputs[14]
    assert "Appel « AMI9 » inconnu" in outputs[15] and "pas de procès-verbal à établir" in outputs[16]
    # The server did the work: the served copy's journal names the account, the file was never opened here.
    audit = json.loads(run(capsys, monkeypatch, "audit", "--json", "--db", str(served))[1])
    assert ("création de compte", "marie.curie") in [(entry["action"], entry["entity_id"]) for entry in audit]


def _sheets(path: Path) -> dict[str, list[tuple[object, ...]]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets
                if sheet.title != "Manifeste"}
    finally:
        workbook.close()


def test_export_and_backup_through_the_server_match_those_of_a_stopped_server(
        copies: tuple[Path, Path], server_url: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    served, stopped = copies
    results = {}
    for name, db in (("servie", served), ("arretee", stopped)):
        out = tmp_path / name
        out.mkdir()
        code, text, err = run(capsys, monkeypatch, "export", "--call", "AMI1", "--size", "5", "--out", str(out),
                              "--db", str(db))
        assert code == 0, err
        [workbook] = out.glob("liste-restreinte_AMI1_cli_*.xlsx")
        code, text, err = run(capsys, monkeypatch, "rapport", "--call", "AMI1", "--size", "5", "--out", str(out),
                              "--db", str(db))
        assert code == 0, err
        [report] = out.glob("rapport_AMI1_cli_*.pdf")
        # the journal's times differ between the two copies, so do its head and the accounts' hash
        report_text = re.sub(r"\b[0-9a-f]{64}\b", "<empreinte>", without_times(pdf_text(report)))
        code, text, err = run(capsys, monkeypatch, "backup", "--out", str(out / "copie.duckdb"), "--db", str(db))
        assert code == 0, err
        assert f"Sauvegarde écrite : {out / 'copie.duckdb'} (clé du journal : {key_path(out / 'copie.duckdb')})" in text
        assert stat.S_IMODE((out / "copie.duckdb").stat().st_mode) == 0o600
        assert stat.S_IMODE(key_path(out / "copie.duckdb").stat().st_mode) == 0o600
        results[name] = (_sheets(workbook), text.splitlines()[0], out / "copie.duckdb", report_text)
    assert results["servie"][0] == results["arretee"][0]
    assert results["servie"][3] == results["arretee"][3] and "Liste restreinte (5 dossiers)" in results["servie"][3]
    assert results["servie"][1] == results["arretee"][1]
    assert results["servie"][1].startswith("Copie vérifiée : schéma version")
    summaries = []
    for _, _, copy, _ in results.values():
        code, out, err = run(capsys, monkeypatch, "audit", "--verify", "--db", str(copy))
        assert code == 0 and out.startswith("Journal intact"), out + err
        summaries.append(run(capsys, monkeypatch, "summary", "--json", "--db", str(copy))[1])
    assert summaries[0] == summaries[1] == run(capsys, monkeypatch, "summary", "--json", "--db", str(served))[1]
    again = run(capsys, monkeypatch, "backup", "--out", str(results["servie"][2]), "--db", str(served))
    assert again[0] == 2 and "existe déjà" in again[2]


def _post(url: str, headers: dict[str, str], body: bytes = b'{"command": "summary", "request": {}}') -> int:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        with error:
            return error.code


def test_the_route_wants_the_secret_and_no_proxy(copies: tuple[Path, Path], server_url: str) -> None:
    served, _ = copies
    token = token_path(served).read_text().strip()
    assert stat.S_IMODE(token_path(served).stat().st_mode) == 0o600
    discovery = json.loads(discovery_path(served).read_text())
    assert discovery["token_sha256"] == token_digest(token) and token not in discovery_path(served).read_text()
    route = server_url + ROUTE
    assert _post(route, {}) == 401
    assert _post(route, {"Authorization": "Bearer " + "x" * len(token)}) == 401
    assert _post(route, {"Authorization": token}) == 401                       # not a bearer
    assert _post(route, {"Authorization": f"Bearer {token}", "X-Forwarded-For": "203.0.113.9"}) == 403
    assert _post(route, {"Authorization": f"Bearer {token}", "Forwarded": "for=203.0.113.9"}) == 403
    assert _post(route, {"Authorization": f"Bearer {token}"}, b"pas du JSON") == 400
    assert _post(route, {"Authorization": f"Bearer {token}"}) == 200


def test_a_wrong_secret_file_is_named_not_sent(copies: tuple[Path, Path], server_url: str,
                                               capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    served, _ = copies
    token = token_path(served).read_text()
    token_path(served).write_text("un-autre-jeton\n")
    try:
        code, _, err = run(capsys, monkeypatch, "summary", "--db", str(served))
    finally:
        token_path(served).write_text(token)
    assert code == 2 and "n'est pas celui du serveur" in err and "redémarrez le serveur" in err


def test_restore_and_a_second_server_are_refused_while_serving(
        copies: tuple[Path, Path], server_url: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    served, _ = copies
    pid = json.loads(discovery_path(served).read_text())["pid"]
    assert run(capsys, monkeypatch, "backup", "--out", str(tmp_path / "b.duckdb"), "--db", str(served))[0] == 0
    code, _, err = run(capsys, monkeypatch, "restore", str(tmp_path / "b.duckdb"), "--yes", "--db", str(served))
    assert code == 2 and f"processus n° {pid}" in err and f"« kill {pid} »" in err
    code, _, err = run(capsys, monkeypatch, "serve", "--port", "1", "--db", str(served))
    assert code == 2 and "sert déjà" in err


def test_every_subcommand_says_whether_the_server_runs_it() -> None:
    parser = build_parser()
    commands = set()
    for action in parser._subparsers._group_actions:  # type: ignore[union-attr]
        for name, sub in action.choices.items():
            nested = [a for a in sub._actions if a.__class__.__name__ == "_SubParsersAction"]
            commands |= {f"{name} {inner}" for a in nested for inner in a.choices} if nested else {name}
    assert commands == set(OPERATIONS) | set(SERVER_REFUSED)
    assert not set(OPERATIONS) & set(SERVER_REFUSED)


def _jury(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dashboard", *args, "--db", str(db)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300)


def test_backup_while_serving_then_restore_after_stopping(demo_database_file: Path, tmp_path: Path) -> None:
    """The operator's sequence, with real `jury` processes: serve; summary, export and backup
    while it serves; stop; restore the backup over a database that moved on since."""
    db = copy_database(demo_database_file, tmp_path / "jury.duckdb")
    with serving([sys.executable], cwd=REPO_ROOT, env={**os.environ, "JURY_DB": str(db)},
                 log=tmp_path / "server.log"):
        summary = _jury("summary", "--json", db=db)
        exported = _jury("export", "--call", "AMI1", "--size", "5", "--out", str(tmp_path), db=db)
        backup = _jury("backup", "--out", str(tmp_path / "b.duckdb"), db=db)
        for done in (summary, exported, backup):
            assert done.returncode == 0, done.stderr
        moved_on = subprocess.run([sys.executable, "-m", "dashboard", "user", "add", "nouveau", "--role", "direction",
                                   "--name", "Nouveau", "--db", str(db)], input=PASSWORD, capture_output=True,
                                  text=True, timeout=300, cwd=REPO_ROOT)
        assert moved_on.returncode == 0, moved_on.stderr
    assert not discovery_path(db).exists() and not token_path(db).exists()   # withdrawn at shutdown
    assert list(tmp_path.glob("liste-restreinte_AMI1_cli_*.xlsx"))
    assert "nouveau" in _jury("user", "list", db=db).stdout                # on the stopped server, as well

    unconfirmed = _jury("restore", str(tmp_path / "b.duckdb"), db=db)
    assert unconfirmed.returncode == 2 and "ajoutez « --yes »" in unconfirmed.stderr
    restored = _jury("restore", str(tmp_path / "b.duckdb"), "--yes", db=db)
    assert restored.returncode == 0, restored.stderr
    assert "Base précédente gardée" in restored.stdout and "Base restaurée" in restored.stdout
    assert _jury("summary", "--json", db=db).stdout == summary.stdout
    assert "nouveau" not in _jury("user", "list", db=db).stdout
    verified = _jury("audit", "--verify", db=db)
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_a_discovery_file_left_by_a_stopped_server_is_ignored(
        demo_database_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A server killed without its shutdown leaves its files: commands open the database."""
    from dashboard.services.operator_link import new_token, publish

    db = copy_database(demo_database_file, tmp_path / "jury.duckdb")
    expected = run(capsys, monkeypatch, "summary", "--json", "--db", str(db))
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    monkeypatch.setattr(os, "getpid", lambda: gone.pid)      # published as by that process, now gone
    publish(db, new_token(), "127.0.0.1", free_port())
    monkeypatch.undo()
    assert run(capsys, monkeypatch, "summary", "--json", "--db", str(db)) == expected
    publish(db, new_token(), "0.0.0.0", free_port())        # this live process, nothing listening
    assert run(capsys, monkeypatch, "summary", "--json", "--db", str(db)) == expected
    restored = run(capsys, monkeypatch, "restore", str(tmp_path / "absente.duckdb"), "--yes", "--db", str(db))
    assert restored[0] == 2 and "Sauvegarde introuvable" in restored[2]      # not « a server serves it »


def test_the_route_is_for_direct_calls_from_this_machine() -> None:
    from dashboard.services.operator_link import authorised, direct_local_call

    assert direct_local_call("127.0.0.1", {}, "0.0.0.0") and direct_local_call("::1", {}, "::")
    assert direct_local_call("10.0.0.5", {}, "10.0.0.5")          # a server bound to its own address
    assert not direct_local_call("10.0.0.7", {}, "0.0.0.0")       # another machine
    assert not direct_local_call("127.0.0.1", {"x-real-ip": "203.0.113.9"}, "0.0.0.0")
    assert not direct_local_call(None, {}, "0.0.0.0")
    assert authorised(token_digest("s3cret"), "Bearer s3cret") and authorised(token_digest("s3cret"), "bearer  s3cret")
    assert not authorised(token_digest("s3cret"), "Bearer ") and not authorised(token_digest("s3cret"), None)
