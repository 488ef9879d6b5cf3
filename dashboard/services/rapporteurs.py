"""Sharing a call's eligible dossiers between rapporteurs (`jury assign`, « Rapporteurs » on
/administration): the case read from the store, solved by `core.rapporteurs`, stored whole.
A new assignment keeps the rapporteurs put in by hand and does not put back those taken off by
hand, unless `reset`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.core import decision
from dashboard.core.formatting import fr_number
from dashboard.core.rapporteurs import Assignment, AssignmentInfeasible, assign, blocked_reason
from dashboard.errors import StoreError
from dashboard.services.meeting import load_call
from dashboard.store import Store
from dashboard.store.access import Actor


@dataclass(frozen=True)
class AssignReport:
    """What an assignment did: the call, the plan and each juror's load."""

    call_id: str
    per_dossier: int
    dossiers: int
    assignment: Assignment
    kept_by_hand: int
    names: dict[str, str]

    def lines(self) -> list[str]:
        loads = self.assignment.loads
        spread = (f"de {fr_number(min(loads.values()))} à {fr_number(max(loads.values()))} dossiers par rapporteur"
                  if loads else "aucun rapporteur")
        lines = [f"Appel {self.call_id} : {fr_number(self.dossiers)} dossiers éligibles, "
                 f"{fr_number(self.per_dossier)} rapporteurs chacun, {spread}."]
        if self.kept_by_hand:
            lines.append(f"{fr_number(self.kept_by_hand)} rapporteur(s) désigné(s) à la main gardé(s).")
        lines += [f"  {self.names.get(juror, juror)} ({juror}) : {fr_number(load)}" for juror, load in loads.items()]
        return lines


def eligible_dossiers(store: Store, actor: Actor, call_id: str) -> list[str]:
    """The call's eligible dossiers (its objective gates), in their order."""
    call = load_call(store, actor, call_id)
    statuses = decision.eligibility(pd.Index(call.dossiers["dossier_id"]), call.values, call.criteria)
    return [str(d) for d in decision.passing_gates(statuses)]


def assign_rapporteurs(store: Store, actor: Actor, call_id: str, per_dossier: int, max_load: int | None = None,
                       with_president: bool = False, reset: bool = False) -> AssignReport:
    """Solve and store the call's rapporteurs; refused in French (`StoreError`) when no
    assignment satisfies the rules, with the rule that blocks which dossier."""
    dossiers = eligible_dossiers(store, actor, call_id)
    case = store.assignment_case(call_id, dossiers, per_dossier, max_load, with_president, keep_manual=not reset)
    try:
        assignment = assign(case)
    except AssignmentInfeasible as infeasible:
        raise StoreError(f"Répartition impossible pour l'appel « {call_id} » : {infeasible}") from None
    store.set_rapporteurs(actor, call_id, case, assignment)
    names = {r.juror_id: r.name for r in case.readers}
    return AssignReport(call_id, per_dossier, len(dossiers), assignment, len(case.fixed), names)


def assignment_rows(store: Store, actor: Actor, call_id: str) -> list[dict[str, Any]]:
    """The stored assignment as `jury assign --json` prints it."""
    frame = store.rapporteurs(actor, call_id)
    return [{"dossier": str(row.dossier_id), "juror": str(row.juror_id), "name": str(row.juror_name),
             "manual": bool(row.manual)} for row in frame.itertuples()]


def rule_breaks(store: Store, actor: Actor, call_id: str) -> list[str]:
    """The stored rapporteurs who now break a rule (a recusal declared after the assignment, a
    juror's région changed), one French sentence each; the store refuses their ratings anyway."""
    plan = store.rapporteur_plan(call_id)
    stored = store.rapporteurs(actor, call_id)
    if plan is None or stored.empty:
        return []
    case = store.assignment_case(call_id, sorted(set(stored["dossier_id"])), plan.per_dossier, plan.max_load,
                                 plan.with_president, keep_manual=False)
    readers = {r.juror_id: r for r in case.readers}
    breaks = []
    for row in stored.itertuples():
        reader = readers.get(str(row.juror_id))
        reason = None if reader is None else blocked_reason(case, str(row.dossier_id), reader)
        if reason:
            breaks.append(f"{row.juror_name} est rapporteur du dossier « {row.dossier_id} » mais ne peut plus "
                          f"l'être ({reason}).")
    return breaks
