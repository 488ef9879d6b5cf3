"""What the pages /ponderation, /classement and /comparer compute, without Streamlit.

- weighting: criterion labels and groups (the AHP grid is `dashboard.core.ahp`),
  PROMETHEE default thresholds from each criterion's observed range, the
  weights of a mode from its raw input (`compute_weights`), the comparison
  of two profiles (weights side by side, rank correlation, top-N overlap);
- ranking: the filters of /classement, the French display table, the
  contribution frame behind the stacked bar, the ineligible and « dérogation
  à examiner » dossiers;
- comparison: the radar values, the side-by-side table with the best value
  of each row, and one French sentence per pair saying why one dossier ranks
  above the other.

Pure pandas over `DecisionInputs`, `WeightProfile` and `scoring.RankResult`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

import scoring
from dashboard.core import ahp
from dashboard.core.analysis import split_list
from dashboard.core.decision import DEROGATION, INELIGIBLE, DecisionInputs, WeightProfile, eligible_matrix
from dashboard.core.formatting import fr_list, fr_number, fr_percent
from dashboard.core.labels import METHOD_LABELS, WEIGHTING_LABELS
from scoring.normalise import minmax
from scoring.ranking import prepare_matrix

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

MINUS = "\u2212"

# --------------------------------------------------------------------------- labels


def short_text(text: str, limit: int = 40) -> str:
    """Cut a label at a word boundary and mark the cut with « … »."""
    text = str(text).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit] if text[limit] == " " else text[:limit].rsplit(" ", 1)[0]
    if cut.count("(") > cut.count(")"):  # never leave a parenthesis open
        cut = cut[:cut.rfind("(")]
    cut = cut.rstrip(" ,;:'’-")
    return f"{cut or text[:limit]}…"


def criterion_labels(inputs: DecisionInputs, limit: int | None = None) -> dict[str, str]:
    """« Cxx — libellé » for every rankable criterion (label cut at `limit` characters)."""
    labels = inputs.criteria["label"]
    return {c: f"{c} — {short_text(labels[c], limit) if limit else labels[c]}" for c in inputs.criteria.index}


def usable_criteria(inputs: DecisionInputs) -> list[str]:
    """Rankable criteria with at least one value in the call, in catalogue order."""
    return [c for c in inputs.criteria.index if inputs.matrix[c].notna().any()]


def criteria_by_group(inputs: DecisionInputs) -> dict[str, list[str]]:
    """Every rankable criterion by group (objectif, dossier, jury), in catalogue order."""
    groups: dict[str, list[str]] = {}
    for criterion, group in inputs.criteria["criterion_group"].items():
        groups.setdefault(group, []).append(str(criterion))
    return groups


def signed(value: float, decimals: int = 3) -> str:
    """`0.041` → `+0,041`, `-0.012` → `−0,012` (typographic minus)."""
    text = fr_number(abs(value), decimals)
    return f"{MINUS}{text}" if value < 0 else f"+{text}"


def rank_change_label(change: float | None) -> str:
    """Places gained (▲), lost (▼) or kept (=) against the reference ranking."""
    if change is None or change != change:
        return "–"
    change = int(change)
    if change > 0:
        return f"▲ {change}"
    if change < 0:
        return f"▼ {-change}"
    return "="


def score_decimals(method: str) -> int:
    """WPM scores are products of shares (about 1/n): they need more decimals."""
    return 5 if method == "wpm" else 3


def score_label(method: str) -> str:
    return "Q (plus bas = meilleur)" if method == "vikor" else "Score"


# --------------------------------------------------------------------------- PROMETHEE

Q_SHARE, P_SHARE = 0.05, 0.30


def criterion_ranges(matrix: pd.DataFrame) -> pd.Series:
    """Observed range (max − min) of each column, ignoring missing values (NaN when none)."""
    return matrix.max() - matrix.min()


def promethee_default_preferences(matrix: pd.DataFrame, criteria: Sequence[str], function: str = "linear",
                                  q_share: float = Q_SHARE, p_share: float = P_SHARE) -> dict[str, dict[str, Any]]:
    """Default preference functions: q = 5 % and p = 30 % of each criterion's observed range.

    A criterion with no spread (or no value) gets q = 0, p = 1: every
    difference is then zero and the thresholds do not matter.
    """
    spans = criterion_ranges(matrix[list(criteria)])
    out: dict[str, dict[str, Any]] = {}
    for criterion in criteria:
        span = float(spans[criterion])
        if not span > 0:
            out[criterion] = {"function": function, "q": 0.0, "p": 1.0}
        else:
            out[criterion] = {"function": function, "q": round(q_share * span, 6), "p": round(p_share * span, 6)}
    return out


def check_preference(criterion: str, label: str, preference: Mapping[str, Any]) -> str | None:
    """The engine's French objection to a preference function, prefixed by the criterion, or None."""
    try:
        scoring.Preference(preference.get("function", "usual"), float(preference.get("q", 0.0)),
                           float(preference.get("p", 1.0)))
    except (scoring.ScoringError, TypeError, ValueError) as error:
        return f"{label} : {error}"
    return None


# --------------------------------------------------------------------------- weights

DEFAULT_POINTS = 5


def normalised_weights(profile: WeightProfile, inputs: DecisionInputs) -> pd.Series:
    """The profile's weights over the criteria it actually ranks on, summing to 1 (zeros when all are 0)."""
    criteria = [c["id"] for c in profile.spec(inputs)["criteria"]]
    raw = pd.Series({c: float(profile.weights.get(c, 0.0)) for c in criteria}, dtype=float, name="weight")
    total = raw.sum()
    return raw / total if total > 0 else raw


def points_from_weights(weights: Mapping[str, float], criteria: Sequence[str]) -> dict[str, int]:
    """Slider positions (0–10) that reproduce current weights roughly; 5 each when they are equal."""
    values = pd.Series({c: float(weights.get(c, 0.0)) for c in criteria}, dtype=float)
    if values.empty or not values.max() > 0 or np.allclose(values, values.iloc[0]):
        return dict.fromkeys(criteria, DEFAULT_POINTS)
    return {str(c): round(10 * v / values.max()) for c, v in values.items()}


def roc_order(criteria: Sequence[str], order: Sequence[str]) -> list[str]:
    """The importance order over `criteria`: the entered order first, criteria not placed after it."""
    placed = [c for c in order if c in criteria]
    return placed + [c for c in criteria if c not in placed]


def order_from_weights(weights: Mapping[str, float], criteria: Sequence[str]) -> list[str]:
    """Criteria from the heaviest to the lightest (catalogue order between equals)."""
    return sorted(criteria, key=lambda c: (-float(weights.get(c, 0.0)), list(criteria).index(c)))


def compute_weights(mode: str, criteria: Sequence[str], weighting: Mapping[str, Any], inputs: DecisionInputs,
                    missing: str = "mean") -> scoring.WeightsResult:
    """Weights of the enabled `criteria` by the mode's raw input (kept in `weighting`).

    points: ``weighting["points"]`` (0–10 each); ahp: ``weighting["pairwise"]``
    (« A|B » → Saaty label); roc: ``weighting["order"]``; equal; entropy and
    critic on the eligible dossiers' matrix (missing cells filled as the
    profile says, « mean » when it says « error »). Raises `ScoringError`.
    """
    criteria = list(criteria)
    if not criteria:
        raise scoring.ScoringError("Aucun critère actif : activez au moins un critère.")
    if mode == "points":
        points = weighting.get("points", {})
        return scoring.weights("points", points={c: float(points.get(c, DEFAULT_POINTS)) for c in criteria})
    if mode == "ahp":
        return ahp.weights(criteria, weighting, criteria_by_group(inputs))
    if mode == "roc":
        return scoring.weights("roc", order=roc_order(criteria, weighting.get("order", [])))
    if mode == "equal":
        return scoring.weights("equal", criteria=criteria)
    if mode in ("entropy", "critic"):
        spec = {"method": "wsm",
                "criteria": [{"id": c, "direction": inputs.criteria.at[c, "direction"], "weight": 1.0}
                             for c in criteria],
                "params": {"missing": "mean" if missing == "error" else missing}}
        return scoring.weights(mode, matrix=eligible_matrix(inputs)[criteria], spec=spec)
    raise scoring.ScoringError(f"Mode de pondération inconnu : « {mode} ».")


def nonpositive_criteria(inputs: DecisionInputs, criteria: Sequence[str]) -> list[str]:
    """Criteria with a value <= 0 among the eligible dossiers (the weighted product cannot use them)."""
    matrix = eligible_matrix(inputs)[list(criteria)]
    return [c for c in criteria if (matrix[c] <= 0).any()]


# --------------------------------------------------------------------------- profile comparison


@dataclass(frozen=True)
class ProfileComparison:
    """Two profiles side by side: weights (in %), rank correlation and top-N overlap."""

    weights: pd.DataFrame
    spearman: float
    top_n: int
    overlap: int
    only_first: list[str]
    only_second: list[str]


def spearman(first: pd.Series, second: pd.Series) -> float:
    """Spearman's rank correlation over the common ids (average ranks for ties; NaN when undefined)."""
    common = first.index.intersection(second.index)
    if len(common) < 2:
        return float("nan")
    a = first[common].rank(method="average").to_numpy(dtype=float)
    b = second[common].rank(method="average").to_numpy(dtype=float)
    if a.std() == 0 or b.std() == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def top_ids(result: scoring.RankResult, n: int) -> list[str]:
    return result.ranks.sort_values(kind="stable").index[:n].tolist()


def compare_profiles(inputs: DecisionInputs, first: WeightProfile, second: WeightProfile,
                     first_result: scoring.RankResult, second_result: scoring.RankResult,
                     top_n: int = 10, names: tuple[str, str] = ("Profil courant", "Autre profil")) -> ProfileComparison:
    """The normalised weights of two profiles side by side and how far their rankings agree."""
    labels = criterion_labels(inputs)
    a, b = normalised_weights(first, inputs), normalised_weights(second, inputs)
    criteria = [c for c in inputs.criteria.index if c in a.index or c in b.index]
    table = pd.DataFrame({
        "Critère": [labels[c] for c in criteria],
        names[0]: [fr_percent(a.get(c, 0.0), 1) for c in criteria],
        names[1]: [fr_percent(b.get(c, 0.0), 1) for c in criteria],
        "Écart (points)": [signed(100 * (a.get(c, 0.0) - b.get(c, 0.0)), 1) for c in criteria],
    })
    n = max(1, min(int(top_n), len(first_result.ranks)))
    top_a, top_b = top_ids(first_result, n), top_ids(second_result, n)
    display = inputs.attributes["display_name"]
    return ProfileComparison(
        weights=table,
        spearman=spearman(first_result.ranks, second_result.ranks),
        top_n=n,
        overlap=len(set(top_a) & set(top_b)),
        only_first=[display.get(d, d) for d in top_a if d not in top_b],
        only_second=[display.get(d, d) for d in top_b if d not in top_a],
    )


# --------------------------------------------------------------------------- /classement


@dataclass(frozen=True)
class RankingFilters:
    """What the panel chose to display; None for a yes/no attribute means « tous »."""

    regions: tuple[str, ...] = ()
    acv: bool | None = None
    ti: bool | None = None
    overseas: bool | None = None
    concepts: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.regions or self.concepts or self.sectors) or any(
            v is not None for v in (self.acv, self.ti, self.overseas))


def filter_options(table: pd.DataFrame) -> dict[str, list[str]]:
    """Régions, antenna concepts and sectors present in a ranking table, sorted."""
    sectors = sorted({s for text in table["sectors"] for s in split_list(text)})
    return {
        "regions": sorted(table["region"].dropna().unique().tolist()),
        "concepts": sorted(table["antenna_concept"].dropna().unique().tolist()),
        "sectors": sectors,
    }


def filter_ranking(table: pd.DataFrame, filters: RankingFilters) -> pd.DataFrame:
    """The rows of `table` (from `decision.ranking_table`) that pass the filters; ranks unchanged."""
    mask = pd.Series(True, index=table.index)
    if filters.regions:
        mask &= table["region"].isin(filters.regions)
    for column, wanted in (("acv", filters.acv), ("ti", filters.ti), ("overseas", filters.overseas)):
        if wanted is not None:
            mask &= table[column].fillna(0).astype(bool) == wanted
    if filters.concepts:
        mask &= table["antenna_concept"].isin(filters.concepts)
    if filters.sectors:
        chosen = set(filters.sectors)
        mask &= table["sectors"].map(lambda text: bool(chosen & set(split_list(text))))
    return table[mask]


def ranking_display(table: pd.DataFrame, method: str) -> pd.DataFrame:
    """The ranking as the page shows it: French numbers and labels, one row per dossier."""
    decimals = score_decimals(method)
    return pd.DataFrame({
        "Rang": table["rank"].astype(int).to_numpy(),
        "Dossier": table["display_name"].to_numpy(),
        "Région": table["region"].to_numpy(),
        score_label(method): [fr_number(s, decimals) for s in table["score"]],
        "Évolution": [rank_change_label(c) for c in table["change"]],
        "Éligibilité": table["status"].to_numpy(),
        "N° dossier": table.index.to_numpy(),
    })


CONTRIBUTION_CAPTIONS = {
    "wsm": "Chaque segment est la contribution d'un critère au score (poids × valeur normalisée min-max) : "
           "les segments s'additionnent jusqu'au score.",
    "wpm": "Produit pondéré : chaque segment est poids × ln(part normalisée) ; leur somme est le logarithme "
           "du score. Les valeurs sont négatives : un segment court est un bon résultat.",
    "vikor": "VIKOR : chaque segment est poids × regret normalisé (0 = meilleure valeur de l'appel) ; leur somme "
             "est l'utilité de groupe S, plus basse = meilleure. Le classement suit l'indice Q, qui combine S "
             "et le plus grand regret R.",
    "promethee2": "PROMETHEE II : chaque segment est poids × flux net du critère (de −1 à +1) ; leur somme est "
                  "le flux net φ, le score.",
    "topsis": "TOPSIS n'a pas de contributions additives (les distances à l'idéal ne se décomposent pas par "
              "critère) : le graphique montre les valeurs normalisées pondérées (poids × valeur normalisée "
              "vectorielle), celles dont les distances sont calculées.",
}


def contribution_frame(result: scoring.RankResult, ids: Sequence[str]) -> tuple[pd.DataFrame, str]:
    """Per dossier × criterion values of the stacked bar, and the French caption saying what they are."""
    frame = result.contributions if result.contributions is not None else result.details["weighted"]
    return frame.loc[list(ids)], CONTRIBUTION_CAPTIONS[result.method]


INELIGIBLE_REASON = "Critère(s) d'éligibilité non satisfait(s)"
DEROGATION_REASON = "Dérogation à examiner sur"


def _status_table(inputs: DecisionInputs, status: str, reason: str) -> pd.DataFrame:
    rows = inputs.eligibility[inputs.eligibility["status"] == status]
    attributes = inputs.attributes.reindex(rows.index)
    return pd.DataFrame({
        "N° dossier": rows.index.to_numpy(),
        "Dossier": attributes["display_name"].to_numpy(),
        "Région": attributes["region"].to_numpy(),
        reason: rows["reason"].to_numpy(),
    })


def ineligible_table(inputs: DecisionInputs) -> pd.DataFrame:
    """Dossiers left out of the ranking, with the gate(s) they fail."""
    return _status_table(inputs, INELIGIBLE, INELIGIBLE_REASON)


def derogation_table(inputs: DecisionInputs) -> pd.DataFrame:
    """Ranked dossiers whose eligibility needs the jury's derogation, with the gate concerned."""
    return _status_table(inputs, DEROGATION, DEROGATION_REASON)


# --------------------------------------------------------------------------- /comparer


def radar_values(inputs: DecisionInputs, profile: WeightProfile, result: scoring.RankResult,
                 ids: Sequence[str]) -> tuple[pd.DataFrame, str]:
    """Normalised criteria of the chosen dossiers, oriented so that the outer edge is better.

    wsm: the result's min-max values; vikor: 1 − regret (the same min-max);
    promethee2: per-criterion net flows (−1 to 1); topsis and wpm normalise
    in ways that are not comparable across criteria (vector, shares), so the
    radar shows the min-max values of the same matrix.
    """
    ids = list(ids)
    if result.method == "wsm":
        return result.normalised.loc[ids], ("Valeurs normalisées min-max de l'appel (1 = meilleure valeur, "
                                            "0 = moins bonne).")
    if result.method == "vikor":
        return 1.0 - result.normalised.loc[ids], ("Valeurs 1 − regret VIKOR (1 = meilleure valeur de l'appel, "
                                                  "0 = moins bonne).")
    if result.method == "promethee2":
        return result.normalised.loc[ids], ("Flux net PROMETHEE de chaque critère (+1 : préféré à tous les autres "
                                            "dossiers, −1 : dépassé par tous).")
    prepared = prepare_matrix(eligible_matrix(inputs), profile.spec(inputs))
    frame = pd.DataFrame(minmax(prepared.X, prepared.spec.maximise), index=prepared.ids, columns=prepared.spec.ids)
    return frame.loc[ids], (f"{METHOD_LABELS[result.method]} normalise autrement (normes, parts) : le radar montre "
                            "les valeurs min-max de l'appel (1 = meilleure valeur, 0 = moins bonne).")


def _value_decimals(values: pd.Series) -> int:
    """As few decimals as the values need, at most 2 (1 from 100 up)."""
    finite = values.dropna()
    for decimals in (0, 1):
        if finite.empty or np.allclose(finite, finite.round(decimals)):
            return decimals
    return 1 if finite.abs().max() >= 100 else 2


def _best_mask(values: pd.Series, higher_is_better: bool) -> pd.Series:
    finite = values.dropna()
    if finite.nunique() < 2:
        return pd.Series(False, index=values.index)
    best = finite.max() if higher_is_better else finite.min()
    return values.eq(best) & values.notna()


def column_names(inputs: DecisionInputs, ids: Sequence[str]) -> list[str]:
    """« Nom (dép.) » of each dossier, with the dossier id when two names coincide."""
    names = [str(inputs.attributes.at[d, "display_name"]) for d in ids]
    return [f"{n} [{d}]" if names.count(n) > 1 else n for n, d in zip(names, ids, strict=True)]


def comparison_table(inputs: DecisionInputs, result: scoring.RankResult, ids: Sequence[str],
                     label_limit: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rank, score and every criterion the ranking used (raw values with units) for the chosen dossiers.

    Returns the display frame (French text; rows « Rang », score, then
    « Cxx — libellé (unité) »; a « Poids » column, then one column per
    dossier) and a boolean frame of the same shape marking the best value
    of each row (none when all are equal).
    """
    ids = list(ids)
    columns = column_names(inputs, ids)
    labels = criterion_labels(inputs, limit=label_limit)
    rows: list[tuple[str, str, pd.Series, bool, int]] = [
        ("Rang", "", result.ranks[ids].astype(float), False, 0),
        (score_label(result.method), "", result.scores[ids], result.higher_is_better, score_decimals(result.method)),
    ]
    for criterion in result.weights.index:
        values = inputs.matrix.loc[ids, criterion].astype(float)
        unit = inputs.criteria.at[criterion, "unit"]
        label = f"{labels[criterion]} ({unit})" if isinstance(unit, str) and unit else labels[criterion]
        rows.append((label, fr_percent(result.weights[criterion], 1), values,
                     str(inputs.criteria.at[criterion, "direction"]) == "max", _value_decimals(values)))
    display, best = [], []
    for label, weight, values, higher, decimals in rows:
        display.append([label, weight, *(fr_number(v, decimals) for v in values)])
        best.append([False, False, *_best_mask(values, higher).tolist()])
    header = ["Critère", "Poids", *columns]
    return pd.DataFrame(display, columns=header), pd.DataFrame(best, columns=header)


BEST_STYLE = "background-color: #d8efd9; font-weight: bold"


def style_comparison(table: pd.DataFrame, best: pd.DataFrame) -> Styler:
    """The comparison table as a pandas Styler with the best value of each row highlighted."""
    css = best.map(lambda flag: BEST_STYLE if flag else "")
    return table.style.apply(lambda _: css, axis=None).hide(axis="index")


def pair_advantages(inputs: DecisionInputs, result: scoring.RankResult, first: str, second: str) -> pd.Series:
    """Per criterion, how much `first` gains over `second` (positive: in favour of `first`).

    wsm and promethee2: differences of the additive contributions (they sum
    to the score gap); other methods: differences of the normalised values,
    oriented so that better is positive, times the weights.
    """
    method = result.method
    if method in ("wsm", "promethee2"):
        contributions = cast(pd.DataFrame, result.contributions)  # both methods always have them
        return _row(contributions, first) - _row(contributions, second)
    normalised, weights = result.normalised, result.weights
    gap = _row(normalised, first) - _row(normalised, second)
    if method == "vikor":
        gap = -gap  # a regret: lower is better
    elif method == "topsis":
        maximise = inputs.criteria.loc[gap.index, "direction"].eq("max")
        gap = gap.where(maximise, -gap)  # vector normalisation keeps the raw direction
    return gap * weights


def _row(frame: pd.DataFrame, label: str) -> pd.Series:
    """The row of a frame whose index labels are unique (a Series)."""
    return cast(pd.Series, frame.loc[label])


def _listing(items: list[tuple[str, float]]) -> str:
    return fr_list([f"{label} ({signed(value)})" for label, value in items])


def pair_sentence(inputs: DecisionInputs, result: scoring.RankResult, first: str, second: str,
                  top: int = 2) -> str:
    """One French sentence saying why the better ranked of two dossiers is ahead."""
    if (result.ranks[second], second) < (result.ranks[first], first):
        first, second = second, first
    names = inputs.attributes["display_name"]
    a, b = names.get(first, first), names.get(second, second)
    labels = criterion_labels(inputs, limit=40)
    advantages = pair_advantages(inputs, result, first, second).round(3)
    pros = [(labels[str(c)], v) for c, v in advantages.sort_values(ascending=False).items() if v > 0][:top]
    cons = [(labels[str(c)], v) for c, v in advantages.sort_values().items() if v < 0][:top]
    decimals = score_decimals(result.method)
    score_a, score_b = result.scores[first], result.scores[second]
    method = result.method
    tie = result.ranks[first] == result.ranks[second]
    if tie:
        head = f"{a} et {b} sont à égalité (score {fr_number(score_a, decimals)})"
    elif method == "wsm":
        gap = score_a - score_b
        head = f"{a} devance {b} de {fr_number(gap, 3)} point{'s' if gap >= 2 else ''}"
    elif method == "promethee2":
        head = f"{a} devance {b} de {fr_number(score_a - score_b, 3)} de flux net"
    elif method == "vikor":
        head = f"{a} devance {b} (Q {fr_number(score_a, 3)} contre {fr_number(score_b, 3)}, plus bas = meilleur)"
    else:
        head = (f"{a} devance {b} (score {METHOD_LABELS[method]} {fr_number(score_a, decimals)} contre "
                f"{fr_number(score_b, decimals)})")
    if pros:
        reason = f"{'surtout grâce à' if not tie else 'il fait mieux sur'} {_listing(pros)}"
    else:
        reason = "sans avantage marqué sur un critère"
    against = f"{b} fait mieux sur {_listing(cons)}" if cons else f"{b} ne fait mieux sur aucun critère"
    sentence = f"{head} : {reason} ; {against}."
    if method not in ("wsm", "promethee2"):
        sentence += (f" (Écarts des valeurs normalisées pondérés par les poids : la méthode "
                     f"{METHOD_LABELS[method]} n'est pas additive.)")
    return sentence


def pair_sentences(inputs: DecisionInputs, result: scoring.RankResult, ids: Sequence[str]) -> list[str]:
    """One sentence per pair of the chosen dossiers, best ranked pairs first."""
    ordered = sorted(ids, key=lambda d: (result.ranks[d], d))
    return [pair_sentence(inputs, result, a, b) for a, b in combinations(ordered, 2)]


# ------------------------------------------------------------------ notation


def rating_save_message(scores: Mapping[str, int], labels: Mapping[str, str], dossier_name: str,
                        unscored_comments: Sequence[str]) -> tuple[str, bool]:
    """(the sentence a juror reads after a save, whether every criterion of `labels` is rated).

    It says what was written, exactly: « 4 critères sur 6 enregistrés pour Vire (J01 : 4 · …). »,
    then the criteria left to rate and the comments not saved for want of a score."""
    count = len(scores)
    plural = "s" if count > 1 else ""
    written = " · ".join(f"{c} : {scores[c]}" for c in sorted(scores))
    sentence = f"{count} critère{plural} sur {len(labels)} enregistré{plural} pour {dossier_name} ({written})."
    missing = [c for c in labels if c not in scores]
    if missing:
        sentence += " Restent à noter : " + " ; ".join(f"{c} — {labels[c]}" for c in missing) + "."
    if unscored_comments:
        sentence += (" Commentaire non enregistré faute de note : " + ", ".join(unscored_comments)
                     + " (choisissez une note pour l'enregistrer).")
    return sentence, not missing


def profile_change(before: WeightProfile, after: WeightProfile) -> str:
    """What changed from one profile to the next, in a few words (an official version's « changement »)."""
    parts = []
    if before.method != after.method:
        parts.append(f"méthode {METHOD_LABELS.get(before.method, before.method)} → "
                     f"{METHOD_LABELS.get(after.method, after.method)}")
    added = [c for c in after.enabled if c not in before.enabled]
    removed = [c for c in before.enabled if c not in after.enabled]
    if added:
        parts.append("critères ajoutés : " + ", ".join(added))
    if removed:
        parts.append("critères retirés : " + ", ".join(removed))
    mode_before, mode_after = before.weighting.get("mode", "equal"), after.weighting.get("mode", "equal")
    if mode_before != mode_after:
        parts.append(f"mode {WEIGHTING_LABELS.get(mode_before, mode_before)} → "
                     f"{WEIGHTING_LABELS.get(mode_after, mode_after)}")
    def shares(profile: WeightProfile) -> dict[str, float]:
        total = sum(float(profile.weights.get(c, 0.0)) for c in profile.enabled) or 1.0
        return {c: float(profile.weights.get(c, 0.0)) / total for c in profile.enabled}
    old, new = shares(before), shares(after)
    moved = [c for c in after.enabled if c in old and not math.isclose(old[c], new[c], abs_tol=1e-6)]
    if moved and not (added or removed or mode_before != mode_after):
        parts.append("poids modifiés : " + ", ".join(moved))
    return "pondération : " + ("; ".join(parts) or "paramètres de la méthode")
