"""Authorisation in the store: every role × action, recusals, optimistic concurrency, log-in."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from dashboard.errors import AccessDenied, LoginRefused, StaleWrite
from dashboard.services.accounts import authenticate, hash_password
from dashboard.services.importer import import_file
from dashboard.store import RatingEntry, Store, access
from dashboard.store.access import OPERATOR, Actor
from tests.helpers.accounts import ADMIN, DIRECTION, JUROR, PRESIDENT


def _unchanged(store: Store, action) -> Exception:
    """Run `action`, expect a refusal, and check nothing was written."""
    before, audit = store.content_hash(), len(store.audit_log(OPERATOR))
    with pytest.raises((AccessDenied, StaleWrite)) as info:
        action()
    assert store.content_hash() == before
    assert len(store.audit_log(OPERATOR)) == audit
    return info.value


WRITES = {
    "import": lambda s, a, wb: import_file(wb, s, actor=a),
    "rating": lambda s, a, wb: s.save_rating(a, "AMI1-002", "J01", 4, None, s.dossier_ratings(OPERATOR, "AMI1-002")
                                             .set_index("juror_id")["version"].get(a.juror_id)),
    "recusal": lambda s, a, wb: s.add_recusal(a, "J-CNAM", "AMI1-002", "lien familial", date(2019, 6, 3)),
    "account": lambda s, a, wb: s.add_user(a, "nouveau", "Nouveau", "direction", hash_password("12345678a")),
    "no-conflict": lambda s, a, wb: s.declare_no_conflict(a, "J-CNAM", "AMI1", date(2019, 6, 3)),
}
ALLOWED_WRITES = {
    "import": {"admin"}, "rating": {"jure", "president"}, "recusal": {"admin"}, "account": {"admin"},
    "no-conflict": {"admin"},
}


@pytest.mark.parametrize("action", sorted(WRITES))
@pytest.mark.parametrize("actor", [PRESIDENT, JUROR, DIRECTION, ADMIN], ids=lambda a: a.role)
def test_every_role_and_write(tiny_store: Store, tiny_workbook: Path, actor: Actor, action: str) -> None:
    if actor.role in ALLOWED_WRITES[action]:
        audit = len(tiny_store.audit_log(OPERATOR))
        WRITES[action](tiny_store, actor, tiny_workbook)
        assert len(tiny_store.audit_log(OPERATOR)) == audit + 1
        assert tiny_store.audit_log(OPERATOR).iloc[-1]["actor"] == actor.login
    else:
        error = _unchanged(tiny_store, lambda: WRITES[action](tiny_store, actor, tiny_workbook))
        assert "refusé" in str(error)


READS = {
    "all-ratings": lambda s, a: s.ratings(a, "AMI1"),
    "audit": lambda s, a: s.audit_log(a),
    "register": lambda s, a: s.recusals(a, "AMI1"),
    "accounts": lambda s, a: s.users(a),
}
ALLOWED_READS = {
    "all-ratings": {"president", "direction", "admin"}, "audit": {"president", "admin"},
    "register": {"president", "direction", "admin"}, "accounts": {"admin"},
}


@pytest.mark.parametrize("action", sorted(READS))
@pytest.mark.parametrize("actor", [PRESIDENT, JUROR, DIRECTION, ADMIN], ids=lambda a: a.role)
def test_every_role_and_read(tiny_store: Store, actor: Actor, action: str) -> None:
    if actor.role in ALLOWED_READS[action]:
        assert len(READS[action](tiny_store, actor)) > 0
    else:
        with pytest.raises(AccessDenied):
            READS[action](tiny_store, actor)


def test_recused_juror_can_neither_rate_nor_read_the_dossier(tiny_store: Store) -> None:
    error = _unchanged(tiny_store, lambda: tiny_store.save_rating(JUROR, "AMI1-003", "J01", 5, "", None))
    assert "récusé" in str(error)
    with pytest.raises(AccessDenied, match="récusé"):
        tiny_store.dossier_ratings(JUROR, "AMI1-003")
    with pytest.raises(AccessDenied):
        tiny_store.check_may_rate(JUROR, "AMI1-003")
    assert "AMI1-003" not in tiny_store.dossiers_to_rate(JUROR, "AMI1")["dossier_id"].tolist()
    assert "AMI1-003" not in tiny_store.ratings_for_ranking(JUROR, "AMI1")["dossier"].tolist()
    # A juror reading a dossier they may rate sees only their own ratings.
    own = tiny_store.dossier_ratings(JUROR, "AMI1-001")
    assert own["juror_id"].unique().tolist() == ["J-BDT"]
    # The ranking inputs a juror gets are pseudonymous.
    assert set(tiny_store.ratings_for_ranking(JUROR, "AMI1")["juror"]) <= {"J1", "J2"}


def test_ratings_stop_counting_when_their_juror_is_recused_later(tiny_store: Store) -> None:
    assert ("J-CNAM", "AMI1-002") in set(zip(*tiny_store.ratings_for_ranking(PRESIDENT, "AMI1")[["juror", "dossier"]]
                                            .T.values, strict=True))
    dropped = tiny_store.add_recusal(ADMIN, "J-CNAM", "AMI1-002", "a conseillé la commune", date(2019, 7, 1))
    assert dropped == 1
    ratings = tiny_store.ratings(PRESIDENT, "AMI1").set_index(["juror_id", "dossier_id"])
    assert not ratings.loc[("J-CNAM", "AMI1-002"), "counts"]          # kept, marked
    assert ratings.loc[("J-CNAM", "AMI1-002"), "score"] == 3
    ranked = tiny_store.ratings_for_ranking(PRESIDENT, "AMI1")
    assert not ((ranked["juror"] == "J-CNAM") & (ranked["dossier"] == "AMI1-002")).any()
    entry = tiny_store.audit_log(OPERATOR).iloc[-1]
    assert entry["action"] == "récusation" and '"score": 3' in entry["after"]
    with pytest.raises(AccessDenied):
        tiny_store.save_rating(PRESIDENT, "AMI1-002", "J01", 4, None, 1)


def test_stale_version_is_refused_with_the_current_value(tiny_store: Store) -> None:
    version = tiny_store.save_rating(JUROR, "AMI1-002", "J01", 4, "première fenêtre", 1)
    assert version == 2
    error = _unchanged(tiny_store, lambda: tiny_store.save_rating(JUROR, "AMI1-002", "J01", 1, "seconde fenêtre", 1))
    assert error.current["J01"]["score"] == 4
    assert "valeurs actuelles — J01 : 4" in str(error)
    # A batch with one stale entry writes nothing at all.
    _unchanged(tiny_store, lambda: tiny_store.save_ratings(JUROR, "AMI1-001", [
        RatingEntry("J01", 2, None, 1), RatingEntry("J01", 2, None, None)]))


def test_rating_out_of_scale_is_refused(tiny_store: Store) -> None:
    from dashboard.errors import StoreError
    with pytest.raises(StoreError, match="Note « 6 » refusée"):
        tiny_store.save_rating(JUROR, "AMI1-002", "J01", 6, None, 1)


def test_log_in_checks_the_password_and_slows_repeated_failures(tiny_store: Store) -> None:
    now = datetime(2026, 1, 5, 9, 0, 0)
    assert authenticate(tiny_store, "Paul.Leroy", "motdepasse-solide", now) == JUROR
    for attempt in range(3):
        with pytest.raises(LoginRefused, match="incorrect"):
            authenticate(tiny_store, "paul.leroy", "mauvais", now + timedelta(seconds=attempt))
    with pytest.raises(LoginRefused, match="Trop de tentatives") as info:
        authenticate(tiny_store, "paul.leroy", "motdepasse-solide", now + timedelta(seconds=3))
    assert info.value.retry_after == 4  # 5 s after the 3rd failure, at 2 s
    # Each attempt made during the wait counts too and doubles it: 4 failures, 10 s from 2 s;
    # 5 failures, 20 s from 2 s (the password is not checked then).
    with pytest.raises(LoginRefused, match="réessayez dans 4 secondes"):
        authenticate(tiny_store, "paul.leroy", "motdepasse-solide", now + timedelta(seconds=2 + 6))
    later = now + timedelta(seconds=2 + 20)
    assert authenticate(tiny_store, "paul.leroy", "motdepasse-solide", later) == JUROR
    with pytest.raises(LoginRefused, match="incorrect"):
        authenticate(tiny_store, "inconnu", "motdepasse-solide", later)
    failures = tiny_store.audit_log(OPERATOR)
    assert (failures["action"] == "échec de connexion").sum() == 5
    assert tiny_store.credentials("paul.leroy")["failed_attempts"] == 0  # the success started over


@pytest.mark.parametrize("action", sorted(access.PERMISSIONS))
@pytest.mark.parametrize("actor", [PRESIDENT, JUROR, DIRECTION, ADMIN], ids=lambda a: a.role)
def test_may_and_require_are_one_rule(actor: Actor, action: access.Action) -> None:
    """What a page draws (`may`) and what the store refuses (`require`) come from one table."""
    if access.may(actor, action):
        access.require(actor, action)
    else:
        with pytest.raises(AccessDenied, match=r"^Action refusée : .* est réservé\(e\) à : "):
            access.require(actor, action)


def test_store_refusals_follow_the_permission_table(tiny_store: Store, tiny_workbook: Path) -> None:
    """The store's own checks agree with `may` for every write the test suite exercises."""
    permission = {"import": "import_data", "rating": "rate", "recusal": "manage_recusals",
                  "account": "create_account", "no-conflict": "keep_conflict_register"}
    for write, action in permission.items():
        allowed = {role for role in access.ROLES if access.may(Actor("x", "X", role, "J-BDT"), action)}
        assert allowed == ALLOWED_WRITES[write], write
