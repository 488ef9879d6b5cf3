"""The people of the tiny test call (`workbooks.tiny_tables`): its two jurors, the direction
and the administration, and their accounts added to a store."""

from __future__ import annotations

from dashboard.services.accounts import hash_password
from dashboard.store import Store
from dashboard.store.access import OPERATOR, Actor

PRESIDENT = Actor("claire.martin", "Claire Martin", "president", "J-CNAM")
JUROR = Actor("paul.leroy", "Paul Leroy", "jure", "J-BDT")  # recused from AMI1-003
DIRECTION = Actor("direction", "Direction", "direction")
ADMIN = Actor("admin", "Secrétariat", "admin")


def add_accounts(store: Store, actors: tuple[Actor, ...] = (PRESIDENT, JUROR, DIRECTION, ADMIN)) -> None:
    """An account for each of `actors`, all with one password."""
    secret = hash_password("motdepasse-solide")
    for actor in actors:
        store.add_user(OPERATOR, actor.login, actor.name, actor.role, secret, None, actor.juror_id)
