"""The rapporteurs of each dossier and each call's reading plan: who reads what first.

An assignment (`jury assign`, « Rapporteurs » on /administration) replaces the call's
rapporteurs but those put in by hand, unless it is a reset; a swap replaces one rapporteur
of a dossier by another juror, by hand, and records the juror it took off
(`rapporteur_exclusions`), whom a later assignment does not put back unless it is a reset.
Both are the administration's, in one transaction, journalled, and refused when a pair
breaks a rule (`core.rapporteurs`): recusal, région, presidency, the plan's cap. With
« rapporteurs seulement » on the call's plan, the store refuses a rating by a juror who is
not a rapporteur of the dossier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from dashboard.core.formatting import fr_number
from dashboard.core.rapporteurs import Assignment, AssignmentCase, Reader, blocked_reason
from dashboard.errors import AccessDenied, StoreError
from dashboard.store.access import Actor, require
from dashboard.store.base import StoreBase

RAPPORTEUR_ENTITY = "rapporteurs"


@dataclass(frozen=True)
class RapporteurPlan:
    """How a call's dossiers were shared out, and whether only rapporteurs may rate."""

    call_id: str
    per_dossier: int
    max_load: int | None
    with_president: bool
    rapporteurs_only: bool
    set_by: str
    set_at: datetime


class RapporteurRecords(StoreBase):
    """The rapporteurs (mixed into `Store`)."""

    # ------------------------------------------------------------------- reads
    def rapporteur_plan(self, call_id: str) -> RapporteurPlan | None:
        rows = self._rows("SELECT call_id, per_dossier, max_load, with_president, rapporteurs_only, set_by, set_at "
                          "FROM rapporteur_plans WHERE call_id = ?", [call_id])
        return RapporteurPlan(*rows[0]) if rows else None

    def rapporteurs(self, actor: Actor, call_id: str) -> pd.DataFrame:
        """The call's rapporteurs: dossier, juror and their name, by hand or not, who and when."""
        require(actor, "read_rapporteurs")
        return self._frame(
            "SELECT r.dossier_id, r.juror_id, j.name AS juror_name, r.manual, r.assigned_by, r.assigned_at "
            "FROM rapporteurs r JOIN dossiers d USING (dossier_id) JOIN jurors j USING (juror_id) "
            "WHERE d.call_id = ? ORDER BY r.dossier_id, r.juror_id", [call_id])

    def rapporteur_dossier_ids(self, actor: Actor, call_id: str) -> list[str]:
        """The dossiers of the call the acting juror is a rapporteur of (none for another role)."""
        if not actor.juror_id:
            return []
        return [row[0] for row in self._rows(
            "SELECT r.dossier_id FROM rapporteurs r JOIN dossiers d USING (dossier_id) "
            "WHERE r.juror_id = ? AND d.call_id = ? ORDER BY r.dossier_id", [actor.juror_id, call_id])]

    def rapporteur_counts(self) -> dict[str, int]:
        """The number of rapporteur rows per call (calls without any left out)."""
        return {call_id: int(count) for call_id, count in self._rows(
            "SELECT d.call_id, count(*) FROM rapporteurs r JOIN dossiers d USING (dossier_id) GROUP BY d.call_id")}

    def calibration_scores(self, actor: Actor, call_id: str) -> pd.DataFrame:
        """Every counted jury score of the call (criterion, score, whether it is the acting juror's),
        over the dossiers the juror is not recused from; no juror or dossier is named."""
        juror_id = actor.juror_id or ""
        require(actor, "read_own_ratings")
        return self._frame(
            "SELECT r.criterion_id, r.score, (r.juror_id = ?) AS own FROM ratings r "
            "JOIN dossiers d USING (dossier_id) JOIN criteria c USING (criterion_id) "
            "WHERE d.call_id = ? AND c.criterion_group = 'jury' "
            "AND NOT EXISTS (SELECT 1 FROM recusals x WHERE x.dossier_id = r.dossier_id "
            "                AND x.juror_id IN (r.juror_id, ?)) "
            "ORDER BY r.criterion_id", [juror_id, call_id, juror_id])

    def assignment_case(self, call_id: str, dossier_ids: Sequence[str], per_dossier: int, max_load: int | None,
                        with_president: bool, keep_manual: bool) -> AssignmentCase:
        """What an assignment of the call's `dossier_ids` depends on, as the store holds it now."""
        regions = dict(self._rows(
            "SELECT d.dossier_id, m.region_name FROM dossiers d JOIN candidates c USING (candidate_id) "
            "LEFT JOIN communes m ON m.insee_code = c.insee_code WHERE d.call_id = ?", [call_id]))
        readers = tuple(Reader(juror_id, name, region or None, role == "president") for juror_id, name, region, role
                        in self._rows("SELECT juror_id, name, region, role FROM jurors ORDER BY juror_id"))
        recusals = frozenset((juror, dossier) for juror, dossier in self._rows(
            "SELECT r.juror_id, r.dossier_id FROM recusals r JOIN dossiers d USING (dossier_id) "
            "WHERE d.call_id = ?", [call_id]))
        wanted = set(dossier_ids)

        def by_hand(sql: str) -> frozenset[tuple[str, str]]:
            if not keep_manual:
                return frozenset()
            return frozenset((dossier, juror) for dossier, juror in self._rows(sql, [call_id]) if dossier in wanted)
        fixed = by_hand("SELECT r.dossier_id, r.juror_id FROM rapporteurs r JOIN dossiers d USING (dossier_id) "
                        "WHERE d.call_id = ? AND r.manual")
        excluded = by_hand("SELECT x.dossier_id, x.juror_id FROM rapporteur_exclusions x "
                           "JOIN dossiers d USING (dossier_id) WHERE d.call_id = ?")
        return AssignmentCase(tuple(dossier_ids), {d: regions.get(d) for d in dossier_ids}, readers, recusals,
                              per_dossier, max_load, with_president, fixed, excluded)

    # ------------------------------------------------------------------- writes
    def set_rapporteurs(self, actor: Actor, call_id: str, case: AssignmentCase, assignment: Assignment) -> int:
        """Store an assignment of the call (the case it was solved for): its rapporteurs replace
        the call's, but the case's fixed ones, kept as they are; the plan is recorded. A case
        that keeps nothing by hand (a reset) also forgets the jurors taken off by hand. Refused
        when a pair breaks a rule as the store holds it now. Returns the rows written."""
        require(actor, "assign_rapporteurs")

        def transaction() -> int:
            now_case = self.assignment_case(call_id, case.dossiers, case.per_dossier, case.max_load,
                                            case.with_president, keep_manual=bool(case.fixed or case.excluded))
            if now_case != case:
                raise StoreError("Les jurés, récusations ou rapporteurs ont changé pendant la répartition : "
                                 "rien n'a été enregistré ; relancez-la.")
            self._check_pairs(case, assignment.pairs)
            # Every rapporteur of the call goes but the fixed ones: the manual rows of the case's dossiers.
            fixed_dossiers = sorted({dossier for dossier, _ in case.fixed})
            keeping = f" AND NOT (manual AND dossier_id IN ({', '.join(['?'] * len(fixed_dossiers))}))"
            self._write("DELETE FROM rapporteurs WHERE dossier_id IN (SELECT dossier_id FROM dossiers "
                        "WHERE call_id = ?)" + (keeping if fixed_dossiers else ""), [call_id, *fixed_dossiers],
                        "rapporteurs")
            if not case.excluded:
                self._write("DELETE FROM rapporteur_exclusions WHERE dossier_id IN (SELECT dossier_id FROM dossiers "
                            "WHERE call_id = ?)", [call_id], "rapporteur_exclusions")
            new = [pair for pair in assignment.pairs if pair not in case.fixed]
            now = datetime.now()
            if new:
                self._write(f"INSERT INTO rapporteurs VALUES {', '.join(['(?, ?, false, ?, ?)'] * len(new))}",
                            [v for dossier, juror in new for v in (dossier, juror, actor.login, now)], "rapporteurs")
            before = self.rapporteur_plan(call_id)
            self._write("INSERT INTO rapporteur_plans VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (call_id) DO UPDATE "
                        "SET per_dossier = excluded.per_dossier, max_load = excluded.max_load, "
                        "with_president = excluded.with_president, set_by = excluded.set_by, "
                        "set_at = excluded.set_at",
                        [call_id, case.per_dossier, case.max_load, case.with_president,
                         bool(before and before.rapporteurs_only), actor.login, now], "rapporteur_plans")
            self._append_audit(actor, "répartition des rapporteurs", RAPPORTEUR_ENTITY, call_id, None, {
                "par_dossier": case.per_dossier, "plafond": case.max_load, "avec_presidence": case.with_president,
                "dossiers": len(case.dossiers), "gardes_a_la_main": len(case.fixed),
                "retires_a_la_main": len(case.excluded),
                "charges": assignment.loads, "rapporteurs": [f"{d}:{j}" for d, j in assignment.pairs]})
            return len(assignment.pairs)
        return self._transaction(transaction)

    def _check_pairs(self, case: AssignmentCase, pairs: Sequence[tuple[str, str]]) -> None:
        readers = {r.juror_id: r for r in case.readers}
        for dossier, juror in pairs:
            reader = readers.get(juror)
            if reader is None:
                raise StoreError(f"Juré « {juror} » inconnu.")
            reason = blocked_reason(case, dossier, reader)
            if reason:
                raise StoreError(f"{reader.name} ne peut pas être rapporteur du dossier « {dossier} » ({reason}) : "
                                 "rien n'a été enregistré.")

    def swap_rapporteur(self, actor: Actor, dossier_id: str, leaving: str, joining: str) -> None:
        """Replace the rapporteur `leaving` of a dossier by the juror `joining`, by hand: a later
        assignment keeps `joining` and does not put `leaving` back, unless reset. Refused when
        `joining` breaks a rule or the plan's cap."""
        require(actor, "assign_rapporteurs")

        def transaction() -> None:
            rows = self._rows("SELECT call_id FROM dossiers WHERE dossier_id = ?", [dossier_id])
            if not rows:
                raise StoreError(f"Dossier « {dossier_id} » inconnu.")
            call_id = rows[0][0]
            plan = self.rapporteur_plan(call_id)
            current = self.rapporteurs(actor, call_id)
            of_dossier = set(current.loc[current["dossier_id"] == dossier_id, "juror_id"])
            if plan is None or leaving not in of_dossier:
                raise StoreError(f"« {leaving} » n'est pas rapporteur du dossier « {dossier_id} » : rien n'a été "
                                 "changé.")
            if joining in of_dossier:
                raise StoreError(f"« {joining} » est déjà rapporteur du dossier « {dossier_id} ».")
            case = self.assignment_case(call_id, [dossier_id], plan.per_dossier, plan.max_load, plan.with_president,
                                        keep_manual=False)
            self._check_pairs(case, [(dossier_id, joining)])
            load = int((current["juror_id"] == joining).sum())
            if plan.max_load is not None and load + 1 > plan.max_load:
                raise StoreError(f"« {joining} » a déjà {fr_number(load)} dossier(s), le plafond du plan : rien n'a "
                                 "été changé.")
            self._write("DELETE FROM rapporteurs WHERE dossier_id = ? AND juror_id = ?", [dossier_id, leaving],
                        "rapporteurs")
            now = datetime.now()
            self._write("INSERT INTO rapporteurs VALUES (?, ?, true, ?, ?)", [dossier_id, joining, actor.login, now],
                        "rapporteurs")
            self._write("DELETE FROM rapporteur_exclusions WHERE dossier_id = ? AND juror_id = ?",
                        [dossier_id, joining], "rapporteur_exclusions")
            self._write("INSERT INTO rapporteur_exclusions VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                        [dossier_id, leaving, actor.login, now], "rapporteur_exclusions")
            self._append_audit(actor, "rapporteur remplacé", RAPPORTEUR_ENTITY, dossier_id,
                               {"rapporteur": leaving}, {"rapporteur": joining, "a_la_main": True})
        self._transaction(transaction)

    def set_rapporteurs_only(self, actor: Actor, call_id: str, only: bool) -> None:
        """« Rapporteurs seulement »: whether only a dossier's rapporteurs may rate it."""
        require(actor, "assign_rapporteurs")

        def transaction() -> None:
            plan = self.rapporteur_plan(call_id)
            if plan is None:
                raise StoreError(f"L'appel « {call_id} » n'a pas encore de rapporteurs : répartissez-les d'abord.")
            if plan.rapporteurs_only == only:
                return
            self._write("UPDATE rapporteur_plans SET rapporteurs_only = ? WHERE call_id = ?", [only, call_id],
                        "rapporteur_plans")
            self._append_audit(actor, "notation réservée aux rapporteurs" if only else "notation ouverte à tous",
                               RAPPORTEUR_ENTITY, call_id, {"rapporteurs_seulement": plan.rapporteurs_only},
                               {"rapporteurs_seulement": only})
        self._transaction(transaction)

    def check_rapporteur(self, juror_id: str, dossier_id: str) -> None:
        """Refuse, in French, a juror who is not a rapporteur of the dossier when its call's plan
        reserves the rating to rapporteurs."""
        rows = self._rows(
            "SELECT p.rapporteurs_only, EXISTS (SELECT 1 FROM rapporteurs r WHERE r.dossier_id = d.dossier_id "
            "AND r.juror_id = ?) FROM dossiers d JOIN rapporteur_plans p USING (call_id) WHERE d.dossier_id = ?",
            [juror_id, dossier_id])
        if rows and rows[0][0] and not rows[0][1]:
            raise AccessDenied(f"Notation refusée : pour cet appel, seuls les rapporteurs d'un dossier le notent, "
                               f"et vous n'êtes pas rapporteur du dossier « {dossier_id} ».")
