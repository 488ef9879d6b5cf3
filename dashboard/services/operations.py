"""The operator's commands, run on an open database wherever it is open.

`jury` runs a command on the file it opens itself when no server holds it, and inside
the running server, through its operator route (`operator_link`), when one does: the
same function, given the same request, so the result is the same either way.

A request is plain JSON (a file travels as its name and bytes); a result is an
`Outcome`: the exit code, the lines for standard output and standard error in their
order, and the files the command hands back for `jury` to write where the operator
asked (a workbook, a backup). A password is hashed by `jury` before the request
leaves: it never travels.

Every `jury` subcommand is in `OPERATIONS` or in `SERVER_REFUSED` (a test keeps the two
whole): a command a later issue adds must say which.
"""

from __future__ import annotations

import base64
import json
import tempfile
import unicodedata
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from dashboard.core.filenames import OPERATOR_SCOPE, backup_file_name
from dashboard.core.formatting import fr_size
from dashboard.errors import ImportRejected, JuryError, Problem
from dashboard.resources import DEMO_WORKBOOK, resource
from dashboard.services.accounts import hash_password
from dashboard.services.backups import backup_folder, make_backup, prepared_folder
from dashboard.services.document_files import IncomingFile, archive_files, file_problem
from dashboard.services.documents import AttachReport, attach_demo_documents, attach_files
from dashboard.services.importer import ImportReport, import_file
from dashboard.services.incidents import configure_incident_log, hides_detail, record_incident
from dashboard.services.intake import IntakeReport, blank_form, intake_forms
from dashboard.services.rapporteurs import assign_rapporteurs, assignment_rows
from dashboard.store import Database, Store
from dashboard.store.access import OPERATOR
from dashboard.store.journal import key_path, key_warning

Stream = Literal["out", "err"]

DEMO_PASSWORD = "demo-jury-2019"

DEMO_STAFF = (
    ("direction", "Direction du Cnam (démonstration)", "direction", "Cnam"),
    ("admin", "Secrétariat du programme (démonstration)", "admin", "Cnam"),
)


@dataclass
class Outcome:
    """What a command gives back: its exit code, its lines, the files to write."""

    code: int = 0
    messages: list[tuple[Stream, str]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)

    def say(self, text: str) -> None:
        """A line for standard output."""
        self.messages.append(("out", text))

    def warn(self, text: str) -> None:
        """A line for standard error."""
        self.messages.append(("err", text))

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "messages": [list(message) for message in self.messages],
                "files": {name: base64.b64encode(content).decode("ascii") for name, content in self.files.items()}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outcome:
        messages: list[tuple[Stream, str]] = [("err" if stream == "err" else "out", str(text))
                                              for stream, text in data["messages"]]
        return cls(int(data["code"]), messages,
                   {str(name): base64.b64decode(content) for name, content in data["files"].items()})


Operation = Callable[[Database, dict[str, Any]], Outcome]


def failure_outcome(exc: BaseException, db_path: Path, command: str) -> Outcome:
    """A command that failed: exit code 2 and its French message for a refusal, 1 for an
    unexpected error; the detail, when the message leaves it out, goes to the incident log
    beside the database, whose reference the message gives."""
    outcome = Outcome(2 if isinstance(exc, JuryError) else 1)
    consigned = _consigned(exc, db_path, command) if hides_detail(exc) or outcome.code == 1 else ""
    if isinstance(exc, JuryError):
        outcome.warn(f"Erreur : {exc}{consigned}")
    else:
        outcome.warn(f"Erreur inattendue{consigned or f' ({type(exc).__name__})'}.")
    return outcome


def _consigned(exc: BaseException, db_path: Path, command: str) -> str:
    """Record `exc` in the incident log beside the database; where, in a few words."""
    try:
        log = configure_incident_log(db_path)
        return f" (détail consigné dans « {log} », référence {record_incident(exc, where=f'jury {command}')})"
    except OSError:
        return ""


def execute(database: Database, command: str, request: dict[str, Any]) -> Outcome:
    """Run one operator command on the open `database`; never raises."""
    operation = OPERATIONS.get(command)
    if operation is None:
        refused = Outcome(2)
        refused.warn(f"Erreur : commande « jury {command} » inconnue du serveur"
                     f"{f' ({SERVER_REFUSED[command]})' if command in SERVER_REFUSED else ''}.")
        return refused
    try:
        return operation(database, request)
    except Exception as exc:
        return failure_outcome(exc, database.path, command)


# --------------------------------------------------------------------------- the demo


def demo_login(name: str) -> str:
    """« Claire Martin-Dupré » → « claire.martin-dupre »."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    return ".".join("".join(ch for ch in part if ch.isalnum() or ch == "-") for part in folded.split())


def create_demo_accounts(store: Store) -> list[tuple[str, str, str]]:
    """One account per demo juror plus a direction and an admin account."""
    password_hash = hash_password(DEMO_PASSWORD)
    created: list[tuple[str, str, str]] = []
    for juror in store.jurors().to_dict("records"):
        role = juror["role"] if juror["role"] in ("jure", "president") else "jure"
        login = demo_login(juror["name"])
        store.add_user(OPERATOR, login, juror["name"], role, password_hash, juror["organisation"], juror["juror_id"])
        created.append((login, role, f"{juror['name']} — {juror['organisation']}"))
    for login, name, role, organisation in DEMO_STAFF:
        store.add_user(OPERATOR, login, name, role, password_hash, organisation)
        created.append((login, role, name))
    return created


# --------------------------------------------------------------------------- the commands


def run_init(database: Database, _request: dict[str, Any]) -> Outcome:
    """`jury init`: on a database without any call, the demo call and its accounts."""
    outcome = Outcome()
    store = database.store()
    if not store.calls().empty:
        outcome.say(f"Base existante réutilisée : {database.path}")
        return outcome
    with resources.as_file(resource(DEMO_WORKBOOK)) as workbook:
        report = import_file(workbook, store, actor=OPERATOR)
    attached = attach_demo_documents(store)
    accounts = create_demo_accounts(store)
    outcome.say(f"Base créée : {database.path}")
    for line in report.lines():
        outcome.say(line)
    for documents in attached:
        outcome.say(documents.lines()[0] + " (documents fictifs de démonstration)")
    outcome.say("\nComptes de DÉMONSTRATION (à ne jamais utiliser sur une base réelle), "
                f"mot de passe commun « {DEMO_PASSWORD} » :")
    for login, role, who in accounts:
        outcome.say(f"  {login:<28} {role:<10} {who}")
    return outcome


def _reported(work: Callable[[], ImportReport | AttachReport | IntakeReport]) -> Outcome:
    """An import's or an attachment's outcome: its report's lines, or exit code 2 and the refusal
    with every problem (`ImportRejected`, `DocumentsRejected`)."""
    outcome = Outcome()
    try:
        report = work()
    except ImportRejected as rejected:
        outcome.code = 2
        outcome.warn(str(rejected))
        return outcome
    for line in report.lines():
        outcome.say(line)
    return outcome


def run_import(database: Database, request: dict[str, Any]) -> Outcome:
    """`jury import FILE`: the file's bytes, checked then imported whole, or refused whole."""
    name = Path(str(request["name"])).name
    with tempfile.TemporaryDirectory(prefix="jury-import-") as folder:
        path = Path(folder) / name
        path.write_bytes(base64.b64decode(request["content"]))
        return _reported(lambda: import_file(path, database.store(), actor=OPERATOR, original_name=name))


def _incoming(request: dict[str, Any]) -> tuple[list[IncomingFile], list[Problem]]:
    """The files a request carries (a folder's, or an archive's bytes) and the problems met reading them."""
    if "archive" in request:
        return archive_files(str(request["source"]), base64.b64decode(request["archive"]))
    files = [IncomingFile(str(f["path"]), base64.b64decode(f["content"])) for f in request["files"]]
    return files, [file_problem(str(p["path"]), str(p["message"])) for p in request.get("problems", [])]


def run_attach(database: Database, request: dict[str, Any]) -> Outcome:
    """`jury attach FOLDER_OR_ZIP --call C`: the files (a folder's, or an archive's bytes) matched to
    the call's dossiers and checked, attached whole, or refused whole."""
    files, problems = _incoming(request)
    return _reported(lambda: attach_files(database.store(), OPERATOR, str(request["call"]), files,
                                          str(request["source"]), problems))


def run_template(database: Database, request: dict[str, Any]) -> Outcome:
    """`jury template --call C --out F`: the call's blank application form, handed back as a file."""
    name, content = blank_form(database.store(), str(request["call"]))
    return Outcome(files={name: content})


def run_intake(database: Database, request: dict[str, Any]) -> Outcome:
    """`jury intake FOLDER_OR_ZIP --call C`: the filled application forms (and the documents sent
    with them) checked, imported whole, or refused whole."""
    files, problems = _incoming(request)
    return _reported(lambda: intake_forms(database.store(), OPERATOR, str(request["call"]), files,
                                          str(request["source"]), problems))


def run_assign(database: Database, request: dict[str, Any]) -> Outcome:
    """`jury assign --call C --per-dossier K [--max-load N] [--with-president] [--reset] [--json]`:
    the call's rapporteurs solved and stored; the stored assignment, or the report, printed."""
    store = database.store()
    report = assign_rapporteurs(store, OPERATOR, str(request["call"]), int(request["per_dossier"]),
                                request.get("max_load"), bool(request.get("with_president")),
                                bool(request.get("reset")))
    outcome = Outcome()
    if request.get("json"):
        outcome.say(json.dumps(assignment_rows(store, OPERATOR, report.call_id), ensure_ascii=False, indent=2))
    else:
        for line in report.lines():
            outcome.say(line)
    return outcome


def run_summary(database: Database, request: dict[str, Any]) -> Outcome:
    """`jury summary [--json]`."""
    outcome = Outcome()
    summary = database.store().summary()
    if request.get("json"):
        outcome.say(json.dumps(summary, ensure_ascii=False, indent=2))
        return outcome
    if not summary:
        outcome.say("Aucun appel dans la base.")
    for entry in summary:
        outcome.say(f"{entry['call']:<8} {entry['label']} : {entry['dossiers']} dossiers, "
                    f"{entry['historical_laureates']} lauréats historiques, {entry['ratings']} notes, "
                    f"{entry['documents']} pièces, {entry['rapporteurs']} affectations de rapporteurs")
    return outcome


def _audit_entry(row: dict[Hashable, Any]) -> dict[str, Any]:
    """One row of the audit log as `jury audit` shows it (`before` and `after` decoded from JSON)."""
    return {"id": int(row["audit_id"]), "at": row["occurred_at"].isoformat(), "actor": row["actor"],
            "action": row["action"], "entity": row["entity"], "entity_id": row["entity_id"],
            "before": json.loads(row["before"]) if isinstance(row["before"], str) else None,
            "after": json.loads(row["after"]) if isinstance(row["after"], str) else None}


def run_audit(database: Database, request: dict[str, Any]) -> Outcome:
    """`jury audit [--json] [--verify [--head H]…]`: the journal, or its check (exit 0 intact,
    1 altered). The listing warns on standard error when the chain does not verify."""
    outcome = Outcome()
    store = database.store()
    verdict = store.verify_journal(OPERATOR, request.get("heads", []))
    warning = key_warning(database.path)
    if warning:
        outcome.warn(warning)
    if request.get("verify"):
        outcome.say(json.dumps(verdict.as_dict(), ensure_ascii=False, indent=2) if request.get("json")
                    else verdict.report())
        outcome.code = 0 if verdict.intact else 1
        return outcome
    entries = [_audit_entry(row) for row in store.audit_log(OPERATOR).to_dict("records")]
    if request.get("json"):
        outcome.say(json.dumps(entries, ensure_ascii=False, indent=2))
    else:
        for entry in entries:
            outcome.say(f"{entry['at']}  {entry['actor']:<24} {entry['action']:<26} "
                        f"{entry['entity']} {entry['entity_id'] or ''}")
    if not verdict.intact:
        outcome.warn(f"Attention : ce journal ne passe pas la vérification ({verdict.problems[0]}) "
                     "Voir « jury audit --verify ».")
    return outcome


def run_export(database: Database, request: dict[str, Any]) -> Outcome:
    """`jury export`: the shortlist workbook, handed back as a file."""
    from dashboard.services.meeting import export_call

    name, content = export_call(database.store(), OPERATOR, request["call"], request.get("profile"),
                                request.get("size"), request.get("constraints"),
                                anonymise=bool(request.get("anonymise")),
                                keep_motives=bool(request.get("keep_motives")), seance_id=request.get("seance"))
    return Outcome(files={name: content})


def run_report(database: Database, request: dict[str, Any]) -> Outcome:
    """`jury rapport`: the ranking report (PDF), handed back as a file."""
    from dashboard.services.reports import report_call

    name, content = report_call(database.store(), OPERATOR, request["call"], request.get("profile"),
                                request.get("size"), request.get("constraints"),
                                anonymise=bool(request.get("anonymise")), seance_id=request.get("seance"))
    return Outcome(files={name: content})


def run_proces_verbal(database: Database, request: dict[str, Any]) -> Outcome:
    """`jury pv`: a séance's procès-verbal (PDF), handed back as a file."""
    from dashboard.services.reports import proces_verbal_call

    name, content = proces_verbal_call(database.store(), OPERATOR, request["call"], request.get("seance"))
    return Outcome(files={name: content})


def run_user_add(database: Database, request: dict[str, Any]) -> Outcome:
    """`jury user add`: the account, with the password hash `jury` computed."""
    database.store().add_user(OPERATOR, request["login"], request["name"], request["role"], request["password_hash"],
                              request.get("organisation"), request.get("juror"))
    outcome = Outcome()
    outcome.say(f"Compte « {request['login'].lower()} » créé ({request['role']}).")
    return outcome


def run_user_passwd(database: Database, request: dict[str, Any]) -> Outcome:
    """`jury user passwd`."""
    login = str(request["login"]).lower()
    database.store().set_password(OPERATOR, login, request["password_hash"])
    outcome = Outcome()
    outcome.say(f"Mot de passe de « {login} » changé.")
    return outcome


def run_user_list(database: Database, _request: dict[str, Any]) -> Outcome:
    """`jury user list`."""
    outcome = Outcome()
    for user in database.store().users(OPERATOR).itertuples():
        outcome.say(f"{user.login:<28} {user.role:<10} {user.name}"
                    + (f" — {user.organisation}" if isinstance(user.organisation, str) else ""))
    return outcome


def run_backup(database: Database, _request: dict[str, Any]) -> Outcome:
    """`jury backup`: a copy of the database made between two writes, reopened and checked,
    handed back with its journal key (the key's file keeps the name of the copy)."""
    name = backup_file_name(database.path.stem, OPERATOR_SCOPE, datetime.now())
    with tempfile.TemporaryDirectory(dir=prepared_folder(backup_folder(database.path)),
                                     prefix=".en-cours-") as staging:
        copy = Path(staging) / name
        check = make_backup(database, copy)
        outcome = Outcome(files={name: copy.read_bytes()})
        if key_path(copy).exists():
            outcome.files[key_path(copy).name] = key_path(copy).read_bytes()
    for line in check.lines():
        outcome.say(line)
    outcome.say(f"Taille : {fr_size(check.size)}")
    return outcome


OPERATIONS: dict[str, Operation] = {
    "init": run_init,
    "import": run_import,
    "attach": run_attach,
    "template": run_template,
    "intake": run_intake,
    "assign": run_assign,
    "summary": run_summary,
    "audit": run_audit,
    "export": run_export,
    "rapport": run_report,
    "pv": run_proces_verbal,
    "user add": run_user_add,
    "user passwd": run_user_passwd,
    "user list": run_user_list,
    "backup": run_backup,
}

# The subcommands a running server never runs, and what to do instead.
SERVER_REFUSED: dict[str, str] = {
    "serve": "un serveur sert déjà cette base",
    "restore": "arrêtez d'abord le serveur : une base servie ne peut pas être remplacée",
}
