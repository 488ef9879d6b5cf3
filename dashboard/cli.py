"""The operator command `jury` (also `python -m dashboard`).

Subcommands: `init` (create the database; on a new one, import the demo call
and create the demo accounts), `serve` (the dashboard), `import FILE`,
`summary [--json]`, `export --call … --size … --out …` (the shortlist
workbook), `user add|passwd|list`, `audit [--json] [--verify [--head H]]`. Every subcommand that
opens the database takes `--db PATH`.
The operator at the server's shell acts as an administrator. Errors are French,
exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import unicodedata
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

from dashboard.errors import ImportRejected, JournalKeyError, JuryError
from dashboard.resources import DEMO_WORKBOOK, resource
from dashboard.services.accounts import hash_password
from dashboard.services.importer import import_file
from dashboard.services.incidents import configure_incident_log, hides_detail, record_incident
from dashboard.store import Database, Store, default_db_path
from dashboard.store.access import OPERATOR, ROLES
from dashboard.store.journal import key_warning

DEMO_PASSWORD = "demo-jury-2019"

DEMO_STAFF = (
    ("direction", "Direction du Cnam (démonstration)", "direction", "Cnam"),
    ("admin", "Secrétariat du programme (démonstration)", "admin", "Cnam"),
)


class _FrenchParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's own messages are English
        self.print_usage(sys.stderr)
        self.exit(2, f"Erreur : arguments invalides ({message}). Voir « {self.prog} --help ».\n")


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


@contextmanager
def _opened(args: argparse.Namespace) -> Iterator[tuple[Database, Store]]:
    """The database named by --db (or the default) and a store on it, closed afterwards."""
    database = Database(args.db)
    try:
        _warn_outside_change(database)
        yield database, database.store()
    finally:
        database.close()


def _warn_outside_change(database: Database) -> None:
    """Tell the operator when opening found the data changed outside the application."""
    if database.outside_change_found:
        print(f"Attention : les données de « {database.path} » ont été modifiées hors de l'application "
              "depuis la dernière écriture journalisée ; c'est inscrit au journal (voir « jury audit --verify »).",
              file=sys.stderr, flush=True)


def cmd_init(args: argparse.Namespace) -> int:
    with _opened(args) as (database, store):
        if not store.calls().empty:
            print(f"Base existante réutilisée : {database.path}")
            return 0
        with resources.as_file(resource(DEMO_WORKBOOK)) as workbook:
            report = import_file(workbook, store, actor=OPERATOR)
        accounts = create_demo_accounts(store)
    print(f"Base créée : {database.path}")
    print("\n".join(report.lines()))
    print("\nComptes de DÉMONSTRATION (à ne jamais utiliser sur une base réelle), "
          f"mot de passe commun « {DEMO_PASSWORD} » :")
    for login, role, who in accounts:
        print(f"  {login:<28} {role:<10} {who}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"Fichier introuvable : « {path} »", file=sys.stderr)
        return 2
    with _opened(args) as (_, store):
        try:
            report = import_file(path, store, actor=OPERATOR)
        except ImportRejected as rejected:
            print(str(rejected), file=sys.stderr)
            return 2
    print("\n".join(report.lines()))
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    with _opened(args) as (_, store):
        summary = store.summary()
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return 0
    if not summary:
        print("Aucun appel dans la base.")
    for entry in summary:
        print(f"{entry['call']:<8} {entry['label']} : {entry['dossiers']} dossiers, "
              f"{entry['historical_laureates']} lauréats historiques, {entry['ratings']} notes")
    return 0


def _read_password(confirm: bool = True) -> str:
    """From the terminal (twice), or one line of standard input when it is not a terminal."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Mot de passe : ")
    if confirm and getpass.getpass("Confirmation : ") != first:
        raise JuryError("Les deux saisies diffèrent : aucun changement.")
    return first


def _password_hash() -> str:
    try:
        return hash_password(_read_password())
    except ValueError as exc:
        raise JuryError(str(exc)) from exc


def cmd_user_add(args: argparse.Namespace) -> int:
    password_hash = _password_hash()
    with _opened(args) as (_, store):
        store.add_user(OPERATOR, args.login, args.name, args.role, password_hash, args.organisation, args.juror)
    print(f"Compte « {args.login.lower()} » créé ({args.role}).")
    return 0


def cmd_user_passwd(args: argparse.Namespace) -> int:
    password_hash = _password_hash()
    with _opened(args) as (_, store):
        store.set_password(OPERATOR, args.login.lower(), password_hash)
    print(f"Mot de passe de « {args.login.lower()} » changé.")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    with _opened(args) as (_, store):
        users = store.users(OPERATOR)
    for user in users.itertuples():
        print(f"{user.login:<28} {user.role:<10} {user.name}"
              + (f" — {user.organisation}" if isinstance(user.organisation, str) else ""))
    return 0


def _audit_entry(row: dict[Hashable, Any]) -> dict[str, Any]:
    """One row of the audit log as `jury audit` shows it (`before` and `after` decoded from JSON)."""
    return {"id": int(row["audit_id"]), "at": row["occurred_at"].isoformat(), "actor": row["actor"],
            "action": row["action"], "entity": row["entity"], "entity_id": row["entity_id"],
            "before": json.loads(row["before"]) if isinstance(row["before"], str) else None,
            "after": json.loads(row["after"]) if isinstance(row["after"], str) else None}


def _database_exists(args: argparse.Namespace) -> bool:
    """Whether the database named by --db exists; if not, says so (a command that only reads
    must not create an empty one)."""
    db_path = Path(args.db) if args.db else default_db_path()
    if not db_path.is_file():
        print(f"Erreur : base introuvable « {db_path} » (créez-la avec « jury init »).", file=sys.stderr)
        return False
    return True


def cmd_audit(args: argparse.Namespace) -> int:
    """The journal, or with --verify its check (exit 0 intact, 1 altered, 2 bad input). The
    listing warns on standard error when the chain does not verify."""
    if not _database_exists(args):
        return 2
    try:
        with _opened(args) as (database, store):
            verdict = store.verify_journal(OPERATOR, args.head)
            entries = [] if args.verify else [_audit_entry(row) for row in store.audit_log(OPERATOR).to_dict("records")]
    except JournalKeyError as exc:
        if not args.verify:
            raise
        print(f"Journal invérifiable : {exc}", file=sys.stderr)
        return 1
    warning = key_warning(database.path)
    if warning:
        print(warning, file=sys.stderr)
    if args.verify:
        print(json.dumps(verdict.as_dict(), ensure_ascii=False, indent=2) if args.json else verdict.report())
        return 0 if verdict.intact else 1
    if args.json:
        print(json.dumps(entries, ensure_ascii=False, indent=2))
    else:
        for entry in entries:
            print(f"{entry['at']}  {entry['actor']:<24} {entry['action']:<26} "
                  f"{entry['entity']} {entry['entity_id'] or ''}")
    if not verdict.intact:
        print(f"Attention : ce journal ne passe pas la vérification ({verdict.problems[0]}) "
              "Voir « jury audit --verify ».", file=sys.stderr)
    return 0


def _head(text: str) -> str:
    value = text.strip().lower()
    if len(value) != 64 or any(ch not in "0123456789abcdef" for ch in value):
        raise argparse.ArgumentTypeError(f"empreinte de 64 chiffres hexadécimaux attendue, reçu « {text} »")
    return value


def _size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"nombre entier attendu, reçu « {text} »") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"nombre entier au moins égal à 1 attendu, reçu « {text} »")
    return value


def cmd_export(args: argparse.Namespace) -> int:
    from dashboard.services.meeting import export_call

    constraints = None
    if args.constraints is not None:
        path = Path(args.constraints)
        if not path.is_file():
            print(f"Erreur : fichier de contraintes introuvable « {path} ».", file=sys.stderr)
            return 2
        try:
            constraints = json.loads(path.read_text(encoding="utf-8-sig"))
        except UnicodeDecodeError:
            print(f"Erreur : « {path} » n'est pas encodé en UTF-8.", file=sys.stderr)
            return 2
        except json.JSONDecodeError as exc:
            print(f"Erreur : contraintes « {path} » : JSON invalide ligne {exc.lineno}, colonne {exc.colno}.",
                  file=sys.stderr)
            return 2
        if not isinstance(constraints, dict):
            print(f"Erreur : contraintes « {path} » : un objet JSON {{…}} est attendu.", file=sys.stderr)
            return 2
    if not _database_exists(args):
        return 2
    out = Path(args.out)
    if not out.parent.is_dir():
        print(f"Erreur : dossier de destination introuvable « {out.parent} ».", file=sys.stderr)
        return 2
    with _opened(args) as (_, store):
        name, content = export_call(store, OPERATOR, args.call, args.profile, args.size, constraints,
                                    anonymise=args.anonymise)
    target = out / name if out.is_dir() else out
    try:
        target.write_bytes(content)
    except OSError as exc:
        print(f"Erreur : écriture impossible de « {target} » ({exc.strerror}).", file=sys.stderr)
        return 2
    print(f"Classeur écrit : {target} ({len(content) // 1024} Kio)")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the dashboard through `st.App` (`dashboard/ui/server.py`). The database is
    opened, checked and so locked before the server listens: a second server or a writing
    command on the same file is refused from then on, whether or not anyone has logged in."""
    database = Database(args.db)  # a locked, damaged or too new file stops here, in French
    from dashboard.ui.server import serve

    log = configure_incident_log(database.path)
    print(f"Base : {database.path} (ouverte et verrouillée). Incidents consignés dans : {log}", flush=True)
    warning = key_warning(database.path)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    _warn_outside_change(database)
    serve(database, args.port, args.address)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _FrenchParser(prog="jury", description="Outil d'exploitation du jury « Au cœur des territoires ».")
    common = _FrenchParser(add_help=False)  # only lends --db to the subcommands (same class as theirs)
    common.add_argument("--db", type=Path, default=None,
                        help=f"fichier de base DuckDB (défaut : $JURY_DB ou {default_db_path()})")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE", parser_class=_FrenchParser)
    p = sub.add_parser("init", parents=[common], help="crée la base ; neuve, y importe la démonstration")
    p.set_defaults(func=cmd_init)
    p = sub.add_parser("import", parents=[common], help="valide puis importe un fichier .xlsx ou .csv")
    p.add_argument("file", help="fichier à importer")
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("summary", parents=[common], help="résume le contenu de la base par appel")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(func=cmd_summary)
    p = sub.add_parser("audit", parents=[common], help="affiche ou vérifie le journal des modifications")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.add_argument("--verify", action="store_true",
                   help="vérifie le chaînage et les sceaux du journal et l'état des données "
                        "(code 0 : intact ; 1 : altéré)")
    p.add_argument("--head", action="append", default=[], type=_head, metavar="EMPREINTE",
                   help="empreinte de tête relevée ailleurs (Manifeste d'un export) : elle doit figurer "
                        "dans le journal (option répétable)")
    p.set_defaults(func=cmd_audit)
    p = sub.add_parser("export", parents=[common], help="écrit le classeur Excel de la liste restreinte d'un appel")
    p.add_argument("--call", required=True, help="identifiant de l'appel (ex. AMI1)")
    p.add_argument("--profile", default=None,
                   help="profil de pondération enregistré (défaut : « profil du jury », sinon poids égaux)")
    p.add_argument("--size", required=True, type=_size, help="nombre de dossiers de la liste restreinte")
    p.add_argument("--constraints", default=None, help="contraintes JSON au format du moteur (facultatif)")
    p.add_argument("--anonymise", action="store_true", help="jurés anonymisés (J1…Jn) dans « Notes du jury »")
    p.add_argument("--out", required=True, help="fichier .xlsx à écrire (ou dossier : nom automatique)")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("serve", parents=[common], help="sert le tableau de bord (http://localhost:8501)")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="0.0.0.0", help="adresse d'écoute (défaut : toutes)")
    p.set_defaults(func=cmd_serve)
    p_user = sub.add_parser("user", help="comptes : add, passwd, list")
    users = p_user.add_subparsers(dest="user_command", required=True, metavar="ACTION", parser_class=_FrenchParser)
    p = users.add_parser("add", parents=[common],
                         help="crée un compte (mot de passe lu au terminal ou sur l'entrée standard)")
    p.add_argument("login")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--name", required=True)
    p.add_argument("--organisation", default=None)
    p.add_argument("--juror", default=None, help="identifiant du membre du jury (rôles jure et president)")
    p.set_defaults(func=cmd_user_add)
    p = users.add_parser("passwd", parents=[common], help="change un mot de passe")
    p.add_argument("login")
    p.set_defaults(func=cmd_user_passwd)
    p = users.add_parser("list", parents=[common], help="liste les comptes")
    p.set_defaults(func=cmd_user_list)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one `jury` command: its exit code, never a traceback (0 done, 2 refused,
    1 unexpected error, 130 interrupted, 141 when the reader of the output went away)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        func: Callable[[argparse.Namespace], int] = args.func
        code = func(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
        return code
    except BrokenPipeError:
        # `jury audit --json | head`: the reader has what it wanted; stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        print("\nInterrompu.", file=sys.stderr)
        return 130
    except JuryError as exc:
        print(f"Erreur : {exc}{_consigned(args, exc) if hides_detail(exc) else ''}", file=sys.stderr)
        return 2
    except Exception as exc:
        print(f"Erreur inattendue{_consigned(args, exc) or f' ({type(exc).__name__})'}.", file=sys.stderr)
        return 1


def _consigned(args: argparse.Namespace, exc: BaseException) -> str:
    """Record `exc` in the incident log beside the command's database; where, in a few words."""
    db_path = Path(getattr(args, "db", None) or default_db_path())
    try:
        log = configure_incident_log(db_path)
        return f" (détail consigné dans « {log} », référence {record_incident(exc, where=f'jury {args.command}')})"
    except OSError:
        return ""


if __name__ == "__main__":
    sys.exit(main())
