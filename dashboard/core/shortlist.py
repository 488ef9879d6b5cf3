"""The balanced shortlist of the selection meeting, without Streamlit.

The page /liste-restreinte, the workbook export and `jury export` all build
the shortlist through this module, so that they compute the same selection:

- `ShortlistChoices` holds what the panel chose (size, « every metropolitan
  région », « every région (18) », minimum overseas, minimum share in Territoires d'industrie, maximum per
  région, dossiers forced in or out) and converts to and from the engine's
  constraints format (`to_constraints` / `from_constraints`);
- `shortlist_attributes(inputs)` gives the attribute table the engine
  needs (région, metropolitan région, overseas, ti, acv, eligible): a
  collectivité d'outre-mer (Saint-Martin) counts as overseas, never as a région;
- `build_shortlist(inputs, ranking, choices)` (or `solve_shortlist` with a
  raw constraints dict) runs `scoring.shortlist` on the ranking's scores;
- `default_choices` proposes the page's starting point; the `*_table`
  functions turn results and store frames into French tables.

Pure pandas; the store's frames come in as arguments.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any, cast

import pandas as pd

import scoring
from dashboard.core.analysis import METROPOLE, OVERSEAS_REGION
from dashboard.core.decision import INELIGIBLE, DecisionInputs, WeightProfile
from dashboard.core.formatting import fr_count, fr_date, fr_number
from dashboard.core.labels import FORCING_LABELS, JURY_PROFILE
from dashboard.core.votes import TALLY_COLUMNS, Tally
from scoring.errors import ScoringError
from scoring.shortlist import ShortlistResult

__all__ = [
    "DEFAULT_SIZE",
    "TI_SHARE_DEFAULT",
    "ShortlistChoices",
    "binding_table",
    "build_shortlist",
    "constraints_table",
    "decisions_table",
    "default_choices",
    "default_size",
    "describe_choices",
    "describe_constraints",
    "forcing_ids",
    "forcings_table",
    "historical_overseas_minimum",
    "matching_profile_name",
    "merge_forcings",
    "name_dossiers",
    "regions_with_eligible",
    "selection_table",
    "shortlist_attributes",
    "shortlist_constraints",
    "solve_shortlist",
    "swaps_table",
]

DEFAULT_SIZE = 10
TI_SHARE_DEFAULT = 0.67          # share of AMI 1 laureates in Territoires d'industrie (press kit)
_ATTRIBUTE_COLUMNS = ("region", "metro_region", "overseas", "ti", "acv")
_KNOWN_KEYS = {"min_per_group", "max_per_group", "min_count", "min_share", "force_in", "force_out", "labels"}


# --------------------------------------------------------------------------- choices


def _is_count(value: object, minimum: int) -> bool:
    """An int (a bool is not one) of at least `minimum`: the fields are checked at run time."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


@dataclass(frozen=True)
class ShortlistChoices:
    """The panel's shortlist settings, as the page offers them.

    * ``size``: number of dossiers to select (N);
    * ``every_metro_region``: at least one dossier in every metropolitan région
      (13, Corse included) that has an eligible dossier (engine:
      ``min_per_group = {"metro_region": 1}``);
    * ``every_region``: the same in every région, metropolitan or overseas (18;
      ``min_per_group = {"region": 1}``; it covers the former);
    * ``min_overseas``: at least k overseas dossiers (``min_count``);
    * ``min_ti_share``: at least this share (0..1) of the selection in
      Territoires d'industrie (``min_share``); 0 = no constraint;
    * ``max_per_region``: at most k per région (``max_per_group``), None = no limit;
    * ``force_in`` / ``force_out``: dossier ids imposed / excluded (from the
      stored forcings, see `merge_forcings`).
    """

    size: int = DEFAULT_SIZE
    every_region: bool = False
    every_metro_region: bool = False
    min_overseas: int = 0
    min_ti_share: float = 0.0
    max_per_region: int | None = None
    force_in: tuple[str, ...] = ()
    force_out: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not _is_count(self.size, 1):
            raise ValueError(f"Taille de la liste restreinte invalide : {self.size!r} (entier ≥ 1 attendu).")
        if not _is_count(self.min_overseas, 0):
            raise ValueError(f"Minimum d'outre-mer invalide : {self.min_overseas!r} (entier ≥ 0 attendu).")
        share = float(self.min_ti_share)
        if not (math.isfinite(share) and 0.0 <= share <= 1.0):
            raise ValueError(f"Part minimale en Territoires d'industrie invalide : {self.min_ti_share!r} "
                             "(entre 0 et 1).")
        object.__setattr__(self, "min_ti_share", share)
        if self.max_per_region is not None and not _is_count(self.max_per_region, 1):
            raise ValueError(f"Maximum par région invalide : {self.max_per_region!r} (entier ≥ 1 ou aucun).")
        object.__setattr__(self, "force_in", tuple(dict.fromkeys(map(str, self.force_in))))
        object.__setattr__(self, "force_out", tuple(dict.fromkeys(map(str, self.force_out))))
        both = sorted(set(self.force_in) & set(self.force_out))
        if both:
            raise ValueError(f"Dossier à la fois imposé et écarté : {', '.join(both)}.")

    def with_forcings(self, forcings: pd.DataFrame | None) -> ShortlistChoices:
        """These choices with the call's stored forcings united in (`merge_forcings`; a dossier
        both imposed and excluded raises `ValueError`, French)."""
        return ShortlistChoices.from_constraints(merge_forcings(self.to_constraints(), forcings), self.size)

    def to_settings(self) -> dict[str, Any]:
        """The choices without the forcings (the store keeps those), as plain JSON values."""
        kept = asdict(self)
        kept.pop("force_in")
        kept.pop("force_out")
        return kept

    @classmethod
    def from_settings(cls, data: Mapping[str, Any]) -> ShortlistChoices:
        """Back from `to_settings` (unknown keys refused by the constructor)."""
        return cls(**dict(data))

    def to_constraints(self) -> dict[str, Any]:
        """The engine's constraints dict (only the constraints that are set)."""
        constraints: dict[str, Any] = {}
        if self.every_region:
            constraints["min_per_group"] = {"region": 1}
        elif self.every_metro_region:
            constraints["min_per_group"] = {"metro_region": 1}
        if self.max_per_region is not None:
            constraints["max_per_group"] = {"region": self.max_per_region}
        if self.min_overseas > 0:
            constraints["min_count"] = {"overseas": self.min_overseas}
        if self.min_ti_share > 0:
            constraints["min_share"] = {"ti": self.min_ti_share}
        if self.force_in:
            constraints["force_in"] = list(self.force_in)
        if self.force_out:
            constraints["force_out"] = list(self.force_out)
        return constraints

    @classmethod
    def from_constraints(cls, constraints: Mapping[str, Any] | None, size: int) -> ShortlistChoices:
        """The choices behind an engine constraints dict (e.g. a `--constraints C.json`).

        Raises `ValueError` (French) for a constraint the page cannot show
        (another column, a région minimum other than 1); such a dict can
        still be solved with `solve_shortlist`.
        """
        constraints = dict(constraints or {})
        unknown = sorted(set(constraints) - _KNOWN_KEYS)
        if unknown:
            raise ValueError(f"Contrainte inconnue : « {unknown[0]} ».")

        def only(key: str, *columns: str) -> dict[str, Any]:
            mapping = dict(constraints.get(key) or {})
            others = sorted(set(mapping) - set(columns))
            if others:
                raise ValueError(f"Contrainte « {key} » sur « {others[0]} » : seule la colonne « {columns[0]} » "
                                 "est proposée par la page Liste restreinte.")
            return mapping

        min_region = only("min_per_group", "region", "metro_region")
        if any(count not in (None, 0, 1) for count in min_region.values()):
            raise ValueError(f"Contrainte « min_per_group » : la page propose au moins 1 dossier par région, "
                             f"reçu {min_region!r}.")
        max_region = only("max_per_group", "region").get("region")
        overseas = only("min_count", "overseas").get("overseas")
        share = only("min_share", "ti").get("ti")
        return cls(
            size=int(size),
            every_region=min_region.get("region") == 1,
            every_metro_region=min_region.get("metro_region") == 1,
            min_overseas=int(overseas or 0),
            min_ti_share=float(share or 0.0),
            max_per_region=None if max_region is None else int(max_region),
            force_in=tuple(constraints.get("force_in") or ()),
            force_out=tuple(constraints.get("force_out") or ()),
        )


def shortlist_constraints(choices: ShortlistChoices) -> dict[str, Any]:
    """The engine's constraints dict for `choices` (same as ``choices.to_constraints()``)."""
    return choices.to_constraints()


def forcing_ids(forcings: pd.DataFrame | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(forced in, forced out) dossier ids from `Store.forcings` (columns dossier_id, kind)."""
    if forcings is None or forcings.empty:
        return (), ()
    kinds = forcings.set_index("dossier_id")["kind"]
    return (tuple(str(i) for i in kinds.index[kinds == "force_in"]),
            tuple(str(i) for i in kinds.index[kinds == "force_out"]))


# --------------------------------------------------------------------------- inputs of the engine


def shortlist_attributes(inputs: DecisionInputs) -> pd.DataFrame:
    """Every dossier of the call with the columns the constraints use.

    ``region`` (one of the 18 régions; missing where unknown and for a
    collectivité d'outre-mer, so such a dossier belongs to no région
    group), ``metro_region`` (the région when it is metropolitan, else
    missing), ``overseas``, ``ti``, ``acv`` (0/1) and ``eligible`` (1
    unless the dossier fails an eligibility gate; « dérogation à examiner »
    counts as eligible, as in the ranking). The engine applies « every
    région » only to régions that have an eligible dossier.
    """
    attributes = inputs.attributes.reindex(columns=list(_ATTRIBUTE_COLUMNS)).copy()
    region = inputs.attributes["region"].astype(object)
    kind = inputs.attributes["region_kind"]
    attributes["region"] = region.where(kind.isin([METROPOLE, OVERSEAS_REGION]), None)
    attributes["metro_region"] = region.where(kind == METROPOLE, None)
    for column in ("overseas", "ti", "acv"):
        attributes[column] = attributes[column].fillna(0).astype(int)
    status = inputs.eligibility["status"].reindex(attributes.index)
    attributes["eligible"] = (status.notna() & (status != INELIGIBLE)).astype(int)
    return attributes


def regions_with_eligible(inputs: DecisionInputs, metropolitan: bool = False) -> list[str]:
    """The régions « every région » covers (« every metropolitan région » with `metropolitan`):
    those with at least one eligible dossier (sorted)."""
    attributes = shortlist_attributes(inputs)
    regions = attributes.loc[attributes["eligible"] == 1, "metro_region" if metropolitan else "region"].dropna()
    return sorted(regions.unique().tolist())


def solve_shortlist(inputs: DecisionInputs, ranking: scoring.RankResult, size: int,
                    constraints: Mapping[str, Any] | None) -> ShortlistResult:
    """`scoring.shortlist` on the ranking's scores, any engine constraints dict.

    Dossiers forced out that are not eligible are already out and are
    dropped from the constraints; an ineligible dossier forced in raises
    `ScoringError` naming it. Bad input raises `ScoringError` (French).
    """
    constraints = dict(constraints or {})
    scores = ranking.scores
    names = inputs.attributes["display_name"] if "display_name" in inputs.attributes else pd.Series(dtype=object)
    forced_in = [str(i) for i in constraints.get("force_in") or ()]
    not_rankable = [i for i in forced_in if i not in scores.index]
    if not_rankable:
        shown = ", ".join(f"« {names.get(i, i)} » ({i})" for i in not_rankable)
        raise ScoringError(f"Dossier imposé non éligible, il ne peut pas entrer dans la liste restreinte : {shown}.")
    if constraints.get("force_out"):
        constraints["force_out"] = [i for i in constraints["force_out"] if str(i) in scores.index]
    return scoring.shortlist(scores, shortlist_attributes(inputs), int(size), constraints,
                             higher_is_better=ranking.higher_is_better)


def build_shortlist(inputs: DecisionInputs, ranking: scoring.RankResult,
                    choices: ShortlistChoices) -> ShortlistResult:
    """The shortlist of `choices.size` dossiers under the choices' constraints."""
    return solve_shortlist(inputs, ranking, choices.size, choices.to_constraints())


# --------------------------------------------------------------------------- defaults


def default_size(inputs: DecisionInputs) -> int:
    """The number of historical laureates of the call if any, else 10; at most the eligible count."""
    history = inputs.attributes.get("historical_decision")
    laureates = int((history == "lauréat").sum()) if history is not None else 0
    size = laureates if laureates > 0 else DEFAULT_SIZE
    return max(1, min(size, len(inputs.eligible_ids)))


def historical_overseas_minimum(inputs: DecisionInputs, size: int) -> int:
    """The overseas minimum in the proportion of the call's historical laureates: 6 of 55 in
    2019 (five overseas régions' towns and Saint-Martin) gives 6 for a list of 55; 0 without
    laureates."""
    history = inputs.attributes.get("historical_decision")
    if history is None:
        return 0
    laureates = inputs.attributes[history == "lauréat"]
    if laureates.empty:
        return 0
    return math.floor(int(laureates["overseas"].fillna(0).astype(int).sum()) * size / len(laureates) + 1e-9)


def default_choices(inputs: DecisionInputs, ranking: scoring.RankResult | None = None,
                    forcings: pd.DataFrame | None = None, size: int | None = None) -> ShortlistChoices:
    """The page's starting point, in the proportions of the 2019 outcome: `size` (else
    `default_size`); every metropolitan région on when there are no more of them than places;
    the overseas minimum of `historical_overseas_minimum`; the Territoires d'industrie share at
    0,67; the stored forcings. The overseas minimum and the share are kept only when they can
    hold (enough eligible dossiers; with `ranking`, checked by a solve with the other defaults)."""
    size = default_size(inputs) if size is None else size
    attributes = shortlist_attributes(inputs)
    eligible = attributes[attributes["eligible"] == 1]
    every_metro_region = eligible["metro_region"].dropna().nunique() <= size
    ti_ok = int(eligible["ti"].sum()) >= math.ceil(TI_SHARE_DEFAULT * size - 1e-9)
    overseas = min(historical_overseas_minimum(inputs, size), int(eligible["overseas"].sum()))
    choices = ShortlistChoices(size=size, every_metro_region=bool(every_metro_region), min_overseas=overseas,
                               min_ti_share=TI_SHARE_DEFAULT if ti_ok else 0.0)
    if forcings is not None:
        choices = choices.with_forcings(forcings)
    for relaxed in ({"min_ti_share": 0.0}, {"min_overseas": 0}):
        if ranking is None or not _infeasible(inputs, ranking, choices):
            break
        choices = replace(choices, **relaxed)
    return choices


def _infeasible(inputs: DecisionInputs, ranking: scoring.RankResult, choices: ShortlistChoices) -> bool:
    """Whether the choices admit no shortlist (another problem than feasibility: False, the page
    reports it)."""
    try:
        return not build_shortlist(inputs, ranking, choices).feasible
    except ScoringError:
        return False


# The words for the engine's attribute columns in a constraint's sentence.
_GROUP_WORDS = {"region": "région", "metro_region": "région métropolitaine"}
_COUNT_WORDS = {"overseas": "d'outre-mer", "ti": "en Territoires d'industrie", "acv": "en Action cœur de ville",
                "eligible": "éligibles"}


def _count_words(column: str) -> str:
    return _COUNT_WORDS.get(column, f"marqués « {column} »")


def _at_least(count: int) -> str:
    return "un dossier" if count == 1 else fr_count(count, "dossier")


def describe_constraints(constraints: Mapping[str, Any] | None, size: int,
                         inputs: DecisionInputs | None = None) -> list[str]:
    """An engine constraints dict in French, one sentence each (for captions, the workbook and the
    minutes): « Taille : 55 dossiers », « Au moins un dossier par région ayant un dossier éligible »,
    « Au moins 67 % en Territoires d'industrie », « Dossier imposé : Vire Normandie (14) »…"""
    names, given = _names(inputs), dict(constraints or {})
    lines = [f"Taille : {fr_count(size, 'dossier')}"]
    for column, count in dict(given.get("min_per_group") or {}).items():
        group = _GROUP_WORDS.get(column, f"valeur de « {column} »")
        lines.append(f"Au moins {_at_least(int(count))} par {group}"
                     f"{' ayant un dossier éligible' if column in ('region', 'metro_region') else ''}")
    for column, count in dict(given.get("min_count") or {}).items():
        lines.append(f"Au moins {fr_count(int(count), 'dossier')} {_count_words(column)}")
    for column, share in dict(given.get("min_share") or {}).items():
        lines.append(f"Au moins {fr_number(100 * float(share), 0)} % {_count_words(column)}")
    for column, count in dict(given.get("max_per_group") or {}).items():
        lines.append(f"Au plus {fr_count(int(count), 'dossier')} par {_GROUP_WORDS.get(column, column)}")
    for key in ("force_in", "force_out"):
        for item in given.get(key) or ():
            lines.append(f"Dossier {FORCING_LABELS[key]} : {names.get(str(item), str(item))}")
    return lines


def describe_choices(choices: ShortlistChoices, inputs: DecisionInputs | None = None) -> list[str]:
    """The page's choices in French, one line each (`describe_constraints`)."""
    return describe_constraints(choices.to_constraints(), choices.size, inputs)


# --------------------------------------------------------------------------- French tables


def _names(inputs: DecisionInputs | None) -> dict[str, str]:
    return {} if inputs is None else inputs.display_names


def name_dossiers(text: str, inputs: DecisionInputs) -> str:
    """Replace the dossier ids an engine message names (« dossier imposé : AMI1-012 »)
    by « Nom (dép.) »."""
    names = _names(inputs)
    for dossier in sorted(names, key=len, reverse=True):
        if dossier in text:
            text = text.replace(dossier, names[dossier])
    return text


def _yes_no(value: Any) -> str:
    return "oui" if (value == value and value is not None and bool(value)) else "non"


def selection_table(inputs: DecisionInputs, ranking: scoring.RankResult,
                    result: ShortlistResult) -> pd.DataFrame:
    """The selection, best first: Rang, Dossier, Région, Score (French text), Outre-mer, TI,
    and whether it is in the plain top N; indexed by dossier id."""
    ids = list(result.selected)
    attributes = inputs.attributes.reindex(ids)
    top = set(result.top_n)
    table = pd.DataFrame({
        "Rang": ranking.ranks.reindex(ids).astype("Int64").to_numpy(),
        "Dossier": attributes["display_name"].to_numpy(),
        "Région": attributes["region"].to_numpy(),
        "Score": [fr_number(s, 3) for s in ranking.scores.reindex(ids)],
        "Outre-mer": [_yes_no(v) for v in attributes["overseas"]],
        "TI": [_yes_no(v) for v in attributes["ti"]],
        "Dans les N premiers": [_yes_no(i in top) for i in ids],
    }, index=pd.Index(ids, name="Identifiant"))
    return table


def swaps_table(inputs: DecisionInputs, ranking: scoring.RankResult, result: ShortlistResult) -> pd.DataFrame:
    """Each swap against the plain top N: who enters, who leaves, and the constraint behind it."""
    names = _names(inputs)
    rows = []
    for swap in result.swaps:
        rows.append({
            "Entre": names.get(str(swap["in"]), str(swap["in"])),
            "Rang de l'entrant": _rank(ranking, swap["in"]),
            "Sort": names.get(str(swap["out"]), str(swap["out"])),
            "Rang du sortant": _rank(ranking, swap["out"]),
            "Contrainte en cause": name_dossiers(str(swap["because"]), inputs),
        })
    return pd.DataFrame(rows, columns=["Entre", "Rang de l'entrant", "Sort", "Rang du sortant",
                                       "Contrainte en cause"])


def _rank(ranking: scoring.RankResult, dossier: Any) -> str:
    value = ranking.ranks.get(dossier)
    return "–" if value is None or value != value else str(int(value))


def binding_table(inputs: DecisionInputs, result: ShortlistResult) -> pd.DataFrame:
    """The binding constraints, most costly first: what each costs in score."""
    rows = [{"Contrainte": name_dossiers(entry["label"], inputs),
             "Score cédé": fr_number(entry["cost"], 3),
             "Atteint": fr_number(entry["value"]),
             "Dans les N premiers": fr_number(entry["top_n_value"])} for entry in result.binding]
    return pd.DataFrame(rows, columns=["Contrainte", "Score cédé", "Atteint", "Dans les N premiers"])


def constraints_table(inputs: DecisionInputs, result: ShortlistResult) -> pd.DataFrame:
    """Every constraint group with its achieved value, margin and cost (French text)."""
    rows = []
    for entry in result.constraints:
        rows.append({
            "Contrainte": name_dossiers(entry["label"], inputs),
            "Atteint": fr_number(entry["value"]),
            "Marge": fr_number(entry["slack"]),
            "Saturée": "oui" if entry["tight"] else "non",
            "Score cédé": fr_number(entry["cost"], 3),
            "Contraignante": "oui" if entry["binding"] else "non",
        })
    return pd.DataFrame(rows, columns=["Contrainte", "Atteint", "Marge", "Saturée", "Score cédé",
                                       "Contraignante"])


def _when(value: Any) -> str:
    if value is None or value != value:
        return "–"
    stamp = pd.Timestamp(value)
    return f"{fr_date(stamp)} {stamp.strftime('%H:%M')}"


def _authored_table(inputs: DecisionInputs, frame: pd.DataFrame | None, what: tuple[str, str],
                    why: tuple[str, str], labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Forcings or decisions: dossier, what (header, column; shown through `labels`),
    why (header, column), who and when, indexed by dossier id."""
    columns = ["Dossier", what[0], why[0], "Par", "Le"]
    if frame is None or frame.empty:
        return pd.DataFrame(columns=columns)
    names = _names(inputs)
    shown = frame[what[1]] if labels is None else frame[what[1]].map(labels).fillna(frame[what[1]])
    return pd.DataFrame({
        "Dossier": [names.get(str(i), str(i)) for i in frame["dossier_id"]],
        what[0]: shown.to_numpy(),
        why[0]: frame[why[1]].to_numpy(),
        "Par": frame["decided_by"].to_numpy(),
        "Le": [_when(v) for v in frame["decided_at"]],
    }, index=pd.Index(frame["dossier_id"].astype(str), name="Identifiant"), columns=columns)


def forcings_table(inputs: DecisionInputs, forcings: pd.DataFrame) -> pd.DataFrame:
    """The stored forcings: dossier, imposé/écarté, justification, who and when."""
    return _authored_table(inputs, forcings, ("Forçage", "kind"), ("Justification", "justification"),
                           FORCING_LABELS)


def _tally_text(row: pd.Series) -> str:
    """« retenu : 4 · … (7 votes) » for a decision taken on a vote, else « – »."""
    counts = {choice: row.get(column) for choice, column in TALLY_COLUMNS.items()}
    if any(pd.isna(value) for value in counts.values()):
        return "–"
    return Tally.of_counts({c: int(cast(float, v)) for c, v in counts.items()}).sentence()


def decisions_table(inputs: DecisionInputs, decisions: pd.DataFrame) -> pd.DataFrame:
    """The recorded decisions: dossier, décision, motivation, who and when, and (from the store)
    the séance it was taken in, the vote's tally and why the decision departs from it."""
    table = _authored_table(inputs, decisions, ("Décision", "decision"), ("Motivation", "rationale"))
    if table.empty or "seance_id" not in decisions:
        return table
    rows = decisions.set_index(decisions["dossier_id"].astype(str))
    table["Séance"] = ["hors séance" if pd.isna(s) else f"n° {int(s)}" for s in rows["seance_id"]]
    table["Vote"] = [_tally_text(row) for _, row in rows.iterrows()]
    table["Écart au vote"] = ["" if pd.isna(d) else str(d) for d in rows["departure"]]
    return table


def matching_profile_name(stored: pd.DataFrame | None, profile: WeightProfile) -> str | None:
    """The name of a stored profile (`Store.weight_profiles`: name, profile) identical to
    `profile`, « profil du jury » first; None when the profile was not saved as it is."""
    if stored is None or stored.empty:
        return None
    fingerprint = profile.fingerprint()
    same = [str(name) for name, data in zip(stored["name"], stored["profile"], strict=True)
            if data is not None and WeightProfile.from_dict(data).fingerprint() == fingerprint]
    if JURY_PROFILE in same:
        return JURY_PROFILE
    return same[0] if same else None


def merge_forcings(constraints: Mapping[str, Any], forcings: pd.DataFrame | None) -> dict[str, Any]:
    """The engine's constraints with the call's stored forcings (`Store.forcings`) added to
    ``force_in`` / ``force_out``: the session's and the stored ones are united, and a dossier
    both imposed and excluded is refused (`ValueError`, French). The one rule of the page
    /liste-restreinte and of `jury export`."""
    merged = dict(constraints)
    stored_in, stored_out = forcing_ids(forcings) if forcings is not None else ((), ())
    for kind, stored in (("force_in", stored_in), ("force_out", stored_out)):
        united = list(dict.fromkeys([str(i) for i in merged.get(kind) or ()] + list(stored)))
        if united:
            merged[kind] = united
    both = sorted(set(merged.get("force_in") or ()) & set(merged.get("force_out") or ()))
    if both:
        raise ValueError(f"Dossier à la fois imposé et écarté : {', '.join(both)} "
                         "(contraintes et forçages enregistrés se contredisent).")
    return merged
