"""Rapporteurs: who reads which dossier first, shared fairly among the jurors.

Each eligible dossier gets `per_dossier` rapporteurs. Three rules are hard: never a juror
recused from the dossier, never a juror whose région is the dossier's, and never the
president unless the plan says so. The administration's swaps hold too: the juror put in by
hand stays (`fixed`), the juror taken off is not put back (`excluded`). Loads are as even as
the rules allow (the largest minus the smallest load is the least possible, at most 1 when
it can be), within `max_load` if given. The assignment is solved exactly as a small integer
programme with scipy's HiGHS; among equally even assignments the one kept follows a round of
the jurors in the order of their ids (dossier i starts at juror i × k), so the same case
always gives the same answer. When no assignment satisfies the rules, `explain_infeasible`
says in French which rule blocks which dossier. Pure: no Streamlit, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix, csr_array
from scipy.sparse.csgraph import maximum_flow

from dashboard.core.formatting import fr_count, fr_number

RECUSED = "récusé·e"
PRESIDENCY = "présidence"
TAKEN_OFF = "retiré·e à la main"


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
    excluded: frozenset[tuple[str, str]] = field(default_factory=frozenset)  # (dossier, juror) taken off by hand

    @property
    def candidates(self) -> tuple[Reader, ...]:
        """The jurors who take part: every juror, the president only when the plan says so; by id."""
        return tuple(sorted((r for r in self.readers if self.with_president or not r.is_president),
                            key=lambda r: r.juror_id))


class AssignmentInfeasible(ValueError):
    """No assignment satisfies the rules; the message says which rule blocks which dossier."""


def blocked_reason(case: AssignmentCase, dossier_id: str, reader: Reader) -> str | None:
    """Why `reader` may not be a rapporteur of the dossier (presidency, recusal, région, taken off
    it by hand), or None."""
    if reader.is_president and not case.with_president:
        return PRESIDENCY
    if (reader.juror_id, dossier_id) in case.recusals:
        return RECUSED
    region = case.dossier_regions.get(dossier_id)
    if reader.region and region and reader.region == region:
        return f"même région ({region})"
    if (dossier_id, reader.juror_id) in case.excluded:
        return TAKEN_OFF
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


@dataclass(frozen=True)
class _Programme:
    """The assignment as a transportation problem: x[dossier, juror] ∈ [0, 1] over the allowed
    pairs, each dossier's k, each juror's load within a window [low, high]. With integer bounds
    its polytope is integral (a flow with bounds), so a window is feasible for the integers as
    soon as it is for the reals, and the round's optimum is an assignment."""

    pairs: list[tuple[str, str]]
    matrix: Any
    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    dossiers: int
    jurors: int
    per_dossier: int

    def solve(self, low: int, high: int, objective: np.ndarray | None = None) -> np.ndarray | None:
        """x for the juror loads held within [low, high] (the round's least cost, or any), or None."""
        rows_low = [self.per_dossier] * self.dossiers + [low] * self.jurors
        rows_high = [self.per_dossier] * self.dossiers + [high] * self.jurors
        result = milp(self.cost if objective is None else objective,
                      constraints=LinearConstraint(self.matrix, rows_low, rows_high),
                      integrality=np.ones(len(self.pairs), dtype=np.int8) if objective is None else None,
                      bounds=Bounds(self.lower, self.upper))
        return result.x if result.status == 0 and result.x is not None else None


def _programme(case: AssignmentCase, readers: Sequence[Reader]) -> _Programme:
    index = {r.juror_id: i for i, r in enumerate(readers)}
    position = {d: i for i, d in enumerate(case.dossiers)}
    pairs = [(d, r.juror_id) for d in case.dossiers for r in allowed_readers(case, d)]
    at_dossier = np.array([position[d] for d, _ in pairs], dtype=np.int64)
    at_juror = np.array([index[j] for _, j in pairs], dtype=np.int64)
    columns = np.arange(len(pairs))
    matrix = coo_matrix((np.ones(2 * len(pairs)), (np.concatenate([at_dossier, len(case.dossiers) + at_juror]),
                                                    np.concatenate([columns, columns]))),
                        shape=(len(case.dossiers) + len(readers), len(pairs))).tocsr()
    cost = ((at_juror - at_dossier * case.per_dossier) % len(readers)).astype(float)  # dossier i starts at i × k
    lower = np.array([1.0 if pair in case.fixed else 0.0 for pair in pairs])
    return _Programme(pairs, matrix, cost, lower, np.ones(len(pairs)), len(case.dossiers), len(readers),
                      case.per_dossier)


def _solve(case: AssignmentCase, readers: Sequence[Reader]) -> list[tuple[str, str]] | None:
    """The least spread of loads first (windows [low, low + spread] tried on the real relaxation),
    then, among that spread's windows, the round's least cost."""
    programme = _programme(case, readers)
    total, count = case.per_dossier * len(case.dossiers), len(readers)
    cap = case.max_load if case.max_load is not None else len(case.dossiers)
    reachable = min(min(cap, sum(1 for _, j in programme.pairs if j == r.juror_id)) for r in readers)
    zero = np.zeros(len(programme.pairs))
    for spread in range(0 if total % count == 0 else 1, cap + 1):
        windows = [low for low in range(max(0, -(-total // count) - spread), min(total // count, reachable) + 1)
                   if low + spread <= cap and programme.solve(low, low + spread, zero) is not None]
        solutions = [x for x in (programme.solve(low, low + spread) for low in windows) if x is not None]
        if solutions:
            best = min(solutions, key=lambda x: float(programme.cost @ x))
            return [pair for column, pair in enumerate(programme.pairs) if best[column] > 0.5]
    return None


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
    k, cap = case.per_dossier, case.max_load
    problem = _fixed_problem(case) or _short_dossiers(case) or (_cap_problem(case, cap) if cap is not None else "")
    if problem or not solved:
        return problem
    bottleneck = _bottleneck(case)
    if bottleneck:
        readers = {r.juror_id for d in bottleneck for r in allowed_readers(case, d)}
        ceiling = fr_count(cap or 0, "dossier")
        more = f" et {fr_number(len(bottleneck) - 10)} autre(s)" if len(bottleneck) > 10 else ""
        return (f"Plafond trop bas : les dossiers {', '.join(f'« {d} »' for d in bottleneck[:10])}{more} ne "
                f"peuvent être lus que par {_names(case, readers) or 'aucun juré'} (récusations, région, "
                f"présidence{', retraits à la main' if case.excluded else ''}), qui ne suffisent pas à leur donner "
                f"{fr_number(k)} rapporteurs chacun sous le plafond de {ceiling} par rapporteur : "
                "relevez le plafond, ou demandez moins de rapporteurs par dossier.")
    return ("Aucune répartition ne respecte à la fois les récusations, la règle de région"
            f"{'' if cap is None else ', le plafond de ' + fr_count(cap, 'dossier') + ' par rapporteur'}"
            f"{', les choix faits à la main' if case.fixed or case.excluded else ''} : "
            "relevez le plafond, ou repartez de zéro.")


def _fixed_problem(case: AssignmentCase) -> str:
    """A rapporteur put in by hand who now breaks a rule, more of them on a dossier than it
    needs, or on a juror than the cap allows; "" when none."""
    readers = {r.juror_id: r for r in case.readers}
    for dossier, juror in sorted(case.fixed):
        reader = readers.get(juror)
        reason = "juré inconnu" if reader is None else blocked_reason(case, dossier, reader)
        if reason:
            return (f"Le rapporteur désigné à la main {_names(case, [juror])} pour le dossier « {dossier} » "
                    f"enfreint une règle ({reason}) : remplacez-le, ou repartez de zéro.")
    by_dossier: dict[str, int] = {}
    by_juror: dict[str, int] = {}
    for dossier, juror in case.fixed:
        by_dossier[dossier] = by_dossier.get(dossier, 0) + 1
        by_juror[juror] = by_juror.get(juror, 0) + 1
    for dossier, count in sorted(by_dossier.items()):
        if count > case.per_dossier:
            return (f"Le dossier « {dossier} » a {fr_number(count)} rapporteurs désignés à la main, plus que les "
                    f"{fr_number(case.per_dossier)} demandés : demandez-en au moins {fr_number(count)}, ou repartez "
                    "de zéro.")
    for juror, count in sorted(by_juror.items()):
        if case.max_load is not None and count > case.max_load:
            return (f"{_names(case, [juror])} est rapporteur à la main de {fr_number(count)} dossiers, plus que le "
                    f"plafond de {fr_count(case.max_load, 'dossier')} : relevez le plafond, ou repartez de zéro.")
    return ""


def _short_dossiers(case: AssignmentCase) -> str:
    """The dossiers that have fewer possible rapporteurs than they need; "" when none."""
    k = case.per_dossier
    possible = {d: len(allowed_readers(case, d)) for d in case.dossiers}
    short = [d for d in case.dossiers if possible[d] < k]
    if not short:
        return ""
    lines = [f"« {d} » : {fr_number(possible[d])} rapporteur(s) possible(s) "
             f"({_blocked_summary(case, d)})" for d in short[:10]]
    more = f" ; et {fr_number(len(short) - 10)} autre(s) dossier(s)" if len(short) > 10 else ""
    return f"Impossible de donner {fr_number(k)} rapporteurs à chaque dossier : " + " ; ".join(lines) + more + "."


def _cap_problem(case: AssignmentCase, cap: int) -> str:
    """The cap too low for all the readings, or for those of one région's dossiers; "" when not."""
    k, taking = case.per_dossier, case.candidates
    need, room = k * len(case.dossiers), cap * len(taking)
    if need > room:
        return (f"Plafond trop bas : {fr_number(len(case.dossiers))} dossiers × {fr_number(k)} rapporteurs = "
                f"{fr_number(need)} lectures, mais {fr_number(len(taking))} rapporteurs × un plafond de "
                f"{fr_count(cap, 'dossier')} = {fr_number(room)} : relevez le plafond (au moins "
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
                    f"{_names(case, able)}), soit au plus {fr_number(cap * len(able))} avec un plafond de "
                    f"{fr_count(cap, 'dossier')} ; dossiers bloqués : {', '.join(group[:10])}.")
    return ""


def _bottleneck(case: AssignmentCase) -> list[str]:
    """The dossiers that cannot all get their rapporteurs under the cap: those the source still
    reaches in the residual graph of a maximum flow (source → dossier: what it still needs;
    dossier → juror: 1 per allowed pair not fixed; juror → sink: what the cap leaves), in the
    case's order; [] when the readings all fit (or there is no cap)."""
    if case.max_load is None:
        return []
    readers = case.candidates
    dossier_at = {d: 1 + i for i, d in enumerate(case.dossiers)}
    juror_at = {r.juror_id: 1 + len(case.dossiers) + i for i, r in enumerate(readers)}
    sink = 1 + len(case.dossiers) + len(readers)
    fixed_of_dossier = {d: sum(1 for fd, _ in case.fixed if fd == d) for d in case.dossiers}
    fixed_of_juror = {j: sum(1 for _, fj in case.fixed if fj == j) for j in juror_at}
    edges = [(0, dossier_at[d], case.per_dossier - fixed_of_dossier[d]) for d in case.dossiers]
    edges += [(dossier_at[d], juror_at[r.juror_id], 1) for d in case.dossiers for r in allowed_readers(case, d)
              if (d, r.juror_id) not in case.fixed]
    edges += [(juror_at[j], sink, case.max_load - fixed_of_juror[j]) for j in juror_at]
    edges = [(u, v, c) for u, v, c in edges if c > 0]
    if not any(u == 0 for u, _, _ in edges):
        return []
    rows, columns, capacities = (np.array(part, dtype=np.int32) for part in zip(*edges, strict=True))
    graph = csr_array((capacities, (rows, columns)), shape=(sink + 1, sink + 1))
    flow = maximum_flow(graph, 0, sink).flow.toarray()
    residual = graph.toarray() - flow  # the forward room, and the flow that may be sent back
    reached, frontier = {0}, [0]
    while frontier:
        node = frontier.pop()
        for other in np.nonzero(residual[node] > 0)[0]:
            if int(other) not in reached:
                reached.add(int(other))
                frontier.append(int(other))
    if flow[0].sum() >= sum(c for u, _, c in edges if u == 0):
        return []
    return [d for d in case.dossiers if dossier_at[d] in reached]
