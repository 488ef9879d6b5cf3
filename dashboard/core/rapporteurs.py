"""Rapporteurs: who reads which dossier first, shared fairly among the jurors.

Each eligible dossier gets `per_dossier` rapporteurs. Three rules are hard: never a juror
recused from the dossier, never a juror whose région is the dossier's, and never the
president unless the plan says so. Loads are as even as the rules allow (the largest minus
the smallest load is the least possible, at most 1 when it can be), within `max_load` if
given. The assignment is solved exactly as a small integer programme with scipy's HiGHS;
among equally even assignments the one kept follows a round of the jurors in the order of
their ids (dossier i starts at juror i × k), so the same case always gives the same answer.
When no assignment satisfies the rules, `explain_infeasible` says in French which rule
blocks which dossier. Pure: no Streamlit, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from dashboard.core.formatting import fr_number

RECUSED = "récusé·e"
PRESIDENCY = "présidence"


@dataclass(frozen=True)
class Reader:
    """A juror who may be a rapporteur: their id, name, région (None: national) and role."""

    juror_id: str
    name: str
    region: str | None
    is_president: bool = False


@dataclass(frozen=True)
class AssignmentCase:
    """Everything the assignment depends on, for one call."""

    dossiers: tuple[str, ...]                 # the eligible dossiers, in their order
    dossier_regions: dict[str, str | None]    # dossier → région of its commune
    readers: tuple[Reader, ...]               # every juror of the panel
    recusals: frozenset[tuple[str, str]]      # (juror, dossier)
    per_dossier: int
    max_load: int | None = None
    with_president: bool = False
    fixed: frozenset[tuple[str, str]] = field(default_factory=frozenset)  # (dossier, juror) kept as they are

    @property
    def candidates(self) -> tuple[Reader, ...]:
        """The jurors who take part: every juror, the president only when the plan says so; by id."""
        return tuple(sorted((r for r in self.readers if self.with_president or not r.is_president),
                            key=lambda r: r.juror_id))


class AssignmentInfeasible(ValueError):
    """No assignment satisfies the rules; the message says which rule blocks which dossier."""


def blocked_reason(case: AssignmentCase, dossier_id: str, reader: Reader) -> str | None:
    """Why `reader` may not be a rapporteur of the dossier (recusal, région, presidency), or None."""
    if reader.is_president and not case.with_president:
        return PRESIDENCY
    if (reader.juror_id, dossier_id) in case.recusals:
        return RECUSED
    region = case.dossier_regions.get(dossier_id)
    if reader.region and region and reader.region == region:
        return f"même région ({region})"
    return None


def allowed_readers(case: AssignmentCase, dossier_id: str) -> list[Reader]:
    return [r for r in case.candidates if blocked_reason(case, dossier_id, r) is None]


@dataclass(frozen=True)
class Assignment:
    """The rapporteurs found: (dossier, juror) pairs in dossier then juror order, and each load."""

    pairs: tuple[tuple[str, str], ...]
    loads: dict[str, int]

    @property
    def spread(self) -> int:
        return max(self.loads.values()) - min(self.loads.values()) if self.loads else 0


def assign(case: AssignmentCase) -> Assignment:
    """The most even assignment that satisfies the rules; `AssignmentInfeasible` when none does."""
    if case.per_dossier < 1:
        raise AssignmentInfeasible(f"Nombre de rapporteurs par dossier « {case.per_dossier} » refusé : au moins 1.")
    if case.max_load is not None and case.max_load < 1:
        raise AssignmentInfeasible(f"Plafond « {case.max_load} » refusé : au moins 1 dossier par rapporteur.")
    readers = case.candidates
    if not case.dossiers:
        return Assignment((), {r.juror_id: 0 for r in readers})
    problem = explain_infeasible(case, solved=False)
    if problem:
        raise AssignmentInfeasible(problem)
    chosen = _solve(case, readers)
    if chosen is None:
        raise AssignmentInfeasible(explain_infeasible(case, solved=True))
    loads = {r.juror_id: 0 for r in readers}
    for _dossier, juror in chosen:
        loads[juror] += 1
    order = {d: i for i, d in enumerate(case.dossiers)}
    return Assignment(tuple(sorted(chosen, key=lambda p: (order[p[0]], p[1]))), loads)


def _preference(dossier_index: int, reader_index: int, per_dossier: int, count: int) -> int:
    """The round of the jurors: dossier i prefers juror (i × k) first, then the following ones."""
    return (reader_index - dossier_index * per_dossier) % count


def _solve(case: AssignmentCase, readers: Sequence[Reader]) -> list[tuple[str, str]] | None:
    """HiGHS on x[dossier, juror] ∈ {0, 1}, low ≤ load ≤ high: least (high − low), then the round."""
    index = {r.juror_id: i for i, r in enumerate(readers)}
    pairs = [(d, r.juror_id) for d in case.dossiers for r in allowed_readers(case, d)]
    count, width = len(readers), len(pairs) + 2          # the last two variables: low, high
    low, high = len(pairs), len(pairs) + 1
    cost = np.zeros(width)
    for column, (dossier, juror) in enumerate(pairs):
        cost[column] = _preference(case.dossiers.index(dossier), index[juror], case.per_dossier, count)
    weight = float(cost.sum()) + 1.0                    # one unit of spread outweighs any round
    cost[high], cost[low] = weight, -weight
    rows = lil_matrix((len(case.dossiers) + 2 * count, width))
    for column, (dossier, juror) in enumerate(pairs):
        rows[case.dossiers.index(dossier), column] = 1
        rows[len(case.dossiers) + index[juror], column] = 1            # load − low ≥ 0
        rows[len(case.dossiers) + count + index[juror], column] = 1    # load − high ≤ 0
    for i in range(count):
        rows[len(case.dossiers) + i, low] = -1
        rows[len(case.dossiers) + count + i, high] = -1
    lower_rows = [case.per_dossier] * len(case.dossiers) + [0] * count + [-np.inf] * count
    upper_rows = [case.per_dossier] * len(case.dossiers) + [np.inf] * count + [0] * count
    lower = np.zeros(width)
    upper = np.ones(width)
    for column, pair in enumerate(pairs):
        if pair in case.fixed:
            lower[column] = 1
    upper[low] = upper[high] = case.max_load if case.max_load is not None else len(case.dossiers)
    result = milp(cost, constraints=LinearConstraint(rows.tocsr(), lower_rows, upper_rows),
                  integrality=np.ones(width, dtype=np.int8), bounds=Bounds(lower, upper), options={"presolve": True})
    if result.status != 0 or result.x is None:
        return None
    return [pair for column, pair in enumerate(pairs) if result.x[column] > 0.5]


def _blocked_summary(case: AssignmentCase, dossier_id: str) -> str:
    """« récusé·e : A, B ; même région (Bretagne) : C ; présidence : D »."""
    by_reason: dict[str, list[str]] = {}
    for reader in sorted(case.readers, key=lambda r: r.juror_id):
        reason = blocked_reason(case, dossier_id, reader)
        if reason:
            by_reason.setdefault(reason, []).append(reader.name)
    return " ; ".join(f"{reason} : {', '.join(names)}" for reason, names in by_reason.items()) or "aucun juré exclu"


def _names(case: AssignmentCase, juror_ids: Iterable[str]) -> str:
    names = {r.juror_id: r.name for r in case.readers}
    return ", ".join(names.get(j, j) for j in sorted(juror_ids))


def explain_infeasible(case: AssignmentCase, *, solved: bool) -> str:
    """The rule that blocks the assignment, in French, naming the dossiers it blocks; "" when
    none of the checks finds one (and `solved` is False: the solver is asked next)."""
    readers = {r.juror_id: r for r in case.readers}
    k, cap = case.per_dossier, case.max_load
    for dossier, juror in sorted(case.fixed):
        reader = readers.get(juror)
        reason = "juré inconnu" if reader is None else blocked_reason(case, dossier, reader)
        if reason:
            return (f"Le rapporteur désigné à la main {_names(case, [juror])} pour le dossier « {dossier} » "
                    f"enfreint une règle ({reason}) : remplacez-le, ou répartissez de nouveau avec --reset.")
    short = [d for d in case.dossiers if len(allowed_readers(case, d)) < k]
    if short:
        lines = [f"« {d} » : {fr_number(len(allowed_readers(case, d)))} rapporteur(s) possible(s) "
                 f"({_blocked_summary(case, d)})" for d in short[:10]]
        more = f" ; et {fr_number(len(short) - 10)} autre(s) dossier(s)" if len(short) > 10 else ""
        return (f"Impossible de donner {fr_number(k)} rapporteurs à chaque dossier : "
                + " ; ".join(lines) + more + ".")
    if cap is not None:
        taking = case.candidates
        need, room = k * len(case.dossiers), cap * len(taking)
        if need > room:
            return (f"Plafond trop bas : {fr_number(len(case.dossiers))} dossiers × {fr_number(k)} rapporteurs = "
                    f"{fr_number(need)} lectures, mais {fr_number(len(taking))} rapporteurs × --max-load "
                    f"{fr_number(cap)} = {fr_number(room)} : relevez le plafond (au moins "
                    f"{fr_number(-(-need // max(1, len(taking))))}).")
        by_region: dict[str, list[str]] = {}
        for d in case.dossiers:
            by_region.setdefault(case.dossier_regions.get(d) or "", []).append(d)
        for region, group in sorted(by_region.items()):
            able = {r.juror_id for d in group for r in allowed_readers(case, d)}
            if k * len(group) > cap * len(able):
                return (f"Plafond trop bas pour la région {region or 'non renseignée'} : ses "
                        f"{fr_number(len(group))} dossiers demandent {fr_number(k * len(group))} lectures, que seuls "
                        f"{fr_number(len(able))} jurés peuvent faire (règles de région et de récusation : "
                        f"{_names(case, able)}), soit au plus {fr_number(cap * len(able))} avec --max-load "
                        f"{fr_number(cap)} ; dossiers bloqués : {', '.join(group[:10])}.")
    if not solved:
        return ""
    return (f"Aucune répartition ne respecte à la fois les récusations, la règle de région"
            f"{'' if cap is None else f' et le plafond --max-load {fr_number(cap)}'} et les rapporteurs désignés à "
            "la main : relevez le plafond ou répartissez de nouveau avec --reset.")
