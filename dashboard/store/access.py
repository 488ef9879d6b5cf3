"""Who may do what: the acting user and the role checks the store applies
before every read or write of dossiers, ratings and settings. No SQL here.

Roles: `jure` rates and sees aggregated results; `president` also sees every
juror's ratings and the audit log and records decisions; `direction` reads
rankings, decisions and exports and writes nothing; `admin` imports, edits the
catalogue, accounts, calls and recusals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from dashboard.core.labels import ROLE_LABELS
from dashboard.errors import AccessDenied

Role = Literal["jure", "president", "direction", "admin"]
ROLES: tuple[Role, ...] = ("jure", "president", "direction", "admin")


@dataclass(frozen=True)
class Actor:
    """The user on whose behalf the store acts."""

    login: str
    name: str
    role: Role
    juror_id: str | None = None

    @property
    def label(self) -> str:
        return f"{self.name} ({ROLE_LABELS.get(self.role, self.role)})"


# The operator at the server's shell (the `jury` command) acts as an administrator.
OPERATOR = Actor(login="operateur", name="opérateur (ligne de commande)", role="admin")


@dataclass(frozen=True)
class Permission:
    """The roles allowed an action, and how a refusal names the action (« l'import de données »)."""

    roles: tuple[Role, ...]
    description: str


Action = Literal[
    "rate", "read_own_ratings", "read_ranking", "read_all_ratings", "save_profile", "save_jury_profile",
    "read_recusals", "read_conflicts", "read_journal", "hold_concertation", "record_decision", "force_dossier",
    "import_data", "read_backups", "follow_seance", "run_seance", "reopen_seance", "vote", "set_official_settings",
    "write_proces_verbal", "manage_accounts", "create_account", "set_other_password", "manage_recusals",
    "keep_conflict_register", "read_documents", "attach_documents", "remove_documents",
    "read_rapporteurs", "assign_rapporteurs",
]
JURY: tuple[Role, ...] = ("jure", "president")
REGISTER_READERS: tuple[Role, ...] = ("president", "direction", "admin")

# The one rule: the pages draw a control when `may` allows it, and the store
# refuses the action (`require`) with the same table.
PERMISSIONS: dict[Action, Permission] = {
    "rate": Permission(JURY, "la notation"),
    "read_own_ratings": Permission(JURY, "la consultation de ses notes"),
    "read_ranking": Permission(ROLES, "la consultation du classement"),
    "read_all_ratings": Permission(REGISTER_READERS, "la consultation des notes de chaque juré"),
    "save_profile": Permission(("jure", "president", "admin"), "l'enregistrement d'un profil de pondération"),
    "save_jury_profile": Permission(("president", "admin"), "l'enregistrement du « profil du jury »"),
    "read_recusals": Permission(REGISTER_READERS, "la consultation du registre des récusations"),
    "read_conflicts": Permission(REGISTER_READERS, "la consultation du registre des conflits d'intérêts"),
    "read_journal": Permission(("president", "admin"), "la consultation du journal"),
    "hold_concertation": Permission(("president", "admin"), "la concertation sur les écarts de notes"),
    "record_decision": Permission(("president",), "l'enregistrement des décisions"),
    "force_dossier": Permission(("president",), "le forçage d'un dossier dans la liste restreinte"),
    "follow_seance": Permission(ROLES, "le suivi de la séance"),
    "run_seance": Permission(("president", "admin"), "la conduite de la séance"),
    "reopen_seance": Permission(("president",), "la réouverture d'une séance close"),
    "vote": Permission(JURY, "le vote en séance"),
    "set_official_settings": Permission(("president",), "la modification des pondérations et contraintes "
                                                        "officielles de la séance"),
    "write_proces_verbal": Permission(REGISTER_READERS, "l'établissement du procès-verbal de séance"),
    "import_data": Permission(("admin",), "l'import de données"),
    "manage_accounts": Permission(("admin",), "la gestion des comptes"),
    "read_backups": Permission(("admin",), "la consultation et le téléchargement des sauvegardes"),
    "create_account": Permission(("admin",), "la création de comptes"),
    "set_other_password": Permission(("admin",), "le changement du mot de passe d'un autre compte"),
    "manage_recusals": Permission(("admin",), "la gestion des récusations"),
    "keep_conflict_register": Permission(("admin",), "la tenue du registre des conflits d'intérêts"),
    "read_documents": Permission(ROLES, "la consultation des pièces des dossiers"),
    "attach_documents": Permission(("admin",), "l'import des pièces des dossiers"),
    "remove_documents": Permission(("admin",), "le retrait d'une pièce d'un dossier"),
    "read_rapporteurs": Permission(ROLES, "la consultation des rapporteurs"),
    "assign_rapporteurs": Permission(("admin",), "la répartition des rapporteurs"),
}


def may(actor: Actor, action: Action) -> bool:
    """Whether the actor's role allows `action` (what the pages ask before drawing a control)."""
    return actor.role in PERMISSIONS[action].roles


def require(actor: Actor, action: Action) -> None:
    """Refuse, in French, an action the actor's role does not allow (what the store runs first)."""
    if not may(actor, action):
        permission = PERMISSIONS[action]
        roles = ", ".join(ROLE_LABELS[r] for r in permission.roles)
        raise AccessDenied(f"Action refusée : {permission.description} est réservé(e) à : {roles} "
                           f"(vous êtes {ROLE_LABELS.get(actor.role, actor.role)}).")


def require_juror(actor: Actor, action: Action) -> str:
    """The actor's juror id; refuse if the actor does not sit on the jury."""
    require(actor, action)
    if not actor.juror_id:
        raise AccessDenied(f"Action refusée : {PERMISSIONS[action].description} demande un compte rattaché "
                           "à un membre du jury.")
    return actor.juror_id
