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


def require_role(actor: Actor, allowed: tuple[Role, ...], action: str) -> None:
    """Refuse, in French, an action the actor's role does not allow."""
    if actor.role not in allowed:
        roles = ", ".join(ROLE_LABELS[r] for r in allowed)
        raise AccessDenied(f"Action refusée : {action} est réservé(e) à : {roles} "
                           f"(vous êtes {ROLE_LABELS.get(actor.role, actor.role)}).")


def require_juror(actor: Actor, action: str) -> str:
    """The actor's juror id; refuse if the actor does not sit on the jury."""
    require_role(actor, ("jure", "president"), action)
    if not actor.juror_id:
        raise AccessDenied(f"Action refusée : {action} demande un compte rattaché à un membre du jury.")
    return actor.juror_id


def can_read_all_ratings(actor: Actor) -> bool:
    """President, administration and direction read every juror's ratings."""
    return actor.role in ("president", "admin", "direction")
