"""The pure side of /ponderation, /classement and /comparer (dashboard.core.views)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import scoring
from dashboard.core import ahp, decision
from dashboard.core import views as mv
from dashboard.core.decision import DecisionInputs, WeightProfile
from dashboard.core.labels import METHOD_LABELS

MINUS = "\u2212"


def small_inputs() -> DecisionInputs:
    """Four towns, three criteria (distance max, students min, a jury mark max), one ineligible town
    and one derogation."""
    ids = pd.Index(["D1", "D2", "D3", "D4", "D5", "D6"], name="dossier_id")
    matrix = pd.DataFrame({
        "C02": [120.0, 80.0, 40.0, 100.0, 60.0, 90.0],
        "C08": [0.0, 500.0, 1000.0, 200.0, 300.0, 100.0],
        "J02": [2.0, 5.0, 4.0, 3.0, 1.0, 3.5],
    }, index=ids)
    criteria = pd.DataFrame({
        "criterion_group": ["objectif", "objectif", "jury"],
        "label": ["Distance au pôle universitaire le plus proche",
                  "Offre d'enseignement supérieur existante (étudiants inscrits dans la commune)",
                  "Adéquation aux besoins économiques et de compétences du bassin"],
        "unit": ["km", "étudiants", "note de 1 à 5"],
        "direction": ["max", "min", "max"],
        "position": [5, 11, 17],
    }, index=pd.Index(["C02", "C08", "J02"], name="criterion_id"))
    eligibility = pd.DataFrame({
        "status": [decision.ELIGIBLE] * 4 + [decision.DEROGATION, decision.INELIGIBLE],
        "reason": ["", "", "", "", "E01 — Population (valeur 8000)", "E03 — Dossier complet (valeur 0)"],
    }, index=ids)
    attributes = pd.DataFrame({
        "region": ["Grand Est", "Grand Est", "Bretagne", "La Réunion", "Occitanie", "Bretagne"],
        "overseas": [0, 0, 0, 1, 0, 0],
        "acv": [1, 1, 0, 1, 1, 1],
        "ti": [1, 0, 1, 0, 1, 0],
        "display_name": ["Colmar (68)", "Saverne (67)", "Redon (35)", "Saint-Joseph (974)", "Pithiviers (45)",
                         "Lannion (22)"],
        "antenna_concept": ["tiers-lieu", "hub des compétences", "tiers-lieu", "centre Cnam territorial",
                            "tiers-lieu", "hub des compétences"],
        "sectors": ["Industrie du futur; BTP", "Tertiaire", "Numérique; BTP", "Santé/thermalisme", None, "Bois"],
        "historical_decision": ["lauréat", "non retenu", "lauréat", "lauréat", None, None],
    }, index=ids)
    return DecisionInputs("AMI1", matrix, criteria, eligibility, attributes)


def profile(method: str = "wsm", weights: dict[str, float] | None = None, **kwargs) -> WeightProfile:
    weights = weights or {"C02": 1.0, "C08": 1.0, "J02": 2.0}
    return WeightProfile(method=method, weights=weights, enabled=tuple(weights), **kwargs)


# ---------------------------------------------------------------- AHP


def test_saaty_labels_and_values() -> None:
    assert ahp.SAATY_LABELS[0] == "1/9" and ahp.SAATY_LABELS[8] == "1" and ahp.SAATY_LABELS[-1] == "9"
    assert ahp.saaty_value("1/3") == pytest.approx(1 / 3)
    assert ahp.saaty_value("7") == 7.0
    assert ahp.saaty_label(2.4) == "2"
    assert ahp.saaty_label(0.3) == "1/3"
    assert ahp.saaty_label(20) == "9"
    assert ahp.saaty_label(1 / 7.2) == "1/7"


def test_ahp_grid_fills_reciprocals_and_diagonal() -> None:
    matrix = ahp.ahp_matrix(["C02", "C08", "J02"], {"C02|C08": "3", "J02|C02": "5"})
    assert list(matrix.index) == list(matrix.columns) == ["C02", "C08", "J02"]
    assert np.allclose(np.diag(matrix), 1.0)
    assert matrix.at["C02", "C08"] == 3 and matrix.at["C08", "C02"] == pytest.approx(1 / 3)
    # Entered the other way round: J02 is 5 times C02, so C02 is 1/5 of J02.
    assert matrix.at["C02", "J02"] == pytest.approx(1 / 5) and matrix.at["J02", "C02"] == 5
    # Not entered: equal importance.
    assert matrix.at["C08", "J02"] == 1 and matrix.at["J02", "C08"] == 1
    assert np.allclose(matrix.to_numpy() * matrix.to_numpy().T, 1.0)
    labels = ahp.ahp_matrix_labels(matrix)
    assert labels.at["C08", "C02"] == "1/3" and labels.at["J02", "C02"] == "5"
    # The engine accepts it as a positive reciprocal matrix.
    assert scoring.weights("ahp", pairwise=matrix).weights.sum() == pytest.approx(1.0)


def test_ahp_grid_from_weights_is_consistent() -> None:
    grid = ahp.ahp_judgements_from_weights(["A", "B", "C"], {"A": 0.6, "B": 0.3, "C": 0.1})
    assert grid == {"A|B": "2", "A|C": "6", "B|C": "3"}
    result = scoring.weights("ahp", pairwise=ahp.ahp_matrix(["A", "B", "C"], grid))
    assert result.cr < 0.10


def test_ahp_diagnosis_names_the_inconsistent_pair_and_the_suggested_value() -> None:
    criteria = ["C02", "C08", "J02"]
    labels = mv.criterion_labels(small_inputs())
    matrix = ahp.ahp_matrix(criteria, {"C02|C08": "9", "C08|J02": "9", "C02|J02": "1/3"})
    result = scoring.weights("ahp", pairwise=matrix)
    text = ahp.ahp_diagnosis(result, matrix, labels)
    assert result.cr > 0.10 and text is not None
    first, second = result.inconsistent_pair
    assert f"« {labels[first]} » face à « {labels[second]} »" in text
    assert f"vous avez donné {ahp.saaty_label(matrix.at[first, second])}" in text
    assert ahp.saaty_label(result.suggested_value) in text
    assert re.search(r"CR = \d,\d{3}", text)
    consistent = ahp.ahp_matrix(criteria, {"C02|C08": "2", "C08|J02": "3", "C02|J02": "6"})
    assert ahp.ahp_diagnosis(scoring.weights("ahp", pairwise=consistent), consistent, labels) is None


# ---------------------------------------------------------------- PROMETHEE


def test_promethee_default_thresholds_follow_each_range() -> None:
    matrix = pd.DataFrame({"C02": [40.0, 120.0, np.nan], "C07": [0.0, 1.0, 1.0], "K": [3.0, 3.0, 3.0]})
    prefs = mv.promethee_default_preferences(matrix, ["C02", "C07", "K"])
    assert prefs["C02"] == {"function": "linear", "q": pytest.approx(4.0), "p": pytest.approx(24.0)}
    assert prefs["C07"]["q"] == pytest.approx(0.05) and prefs["C07"]["p"] == pytest.approx(0.30)
    assert prefs["K"] == {"function": "linear", "q": 0.0, "p": 1.0}  # no spread: thresholds are moot
    for preference in prefs.values():
        assert mv.check_preference("X", "X", preference) is None


def test_preference_check_names_the_criterion() -> None:
    problem = mv.check_preference("C02", "C02 — Distance", {"function": "linear", "q": 30.0, "p": 10.0})
    assert problem is not None and problem.startswith("C02 — Distance :") and "strictement supérieur" in problem
    assert mv.check_preference("C02", "C02", {"function": "vshape", "q": 5.0, "p": 10.0}) is None


def test_promethee_thresholds_reach_the_engine() -> None:
    inputs = small_inputs()
    prefs = mv.promethee_default_preferences(decision.eligible_matrix(inputs), ["C02", "C08", "J02"])
    result = decision.rank_call(inputs, profile("promethee2", preferences=prefs))
    usual = decision.rank_call(inputs, profile("promethee2"))
    assert not np.allclose(result.scores, usual.scores)


# ---------------------------------------------------------------- weights


def test_compute_weights_by_mode() -> None:
    inputs = small_inputs()
    criteria = ["C02", "C08", "J02"]
    points = mv.compute_weights("points", criteria, {"points": {"C02": 2, "C08": 0, "J02": 6}}, inputs)
    assert points.weights.to_dict() == pytest.approx({"C02": 0.25, "C08": 0.0, "J02": 0.75})
    roc = mv.compute_weights("roc", criteria, {"order": ["J02"]}, inputs)
    assert list(roc.weights.sort_values(ascending=False).index) == ["J02", "C02", "C08"]
    assert roc.weights["J02"] == pytest.approx((1 + 1 / 2 + 1 / 3) / 3)
    assert mv.compute_weights("equal", criteria, {}, inputs).weights.tolist() == pytest.approx([1 / 3] * 3)
    ahp = mv.compute_weights("ahp", criteria, {"pairwise": {"J02|C02": "3", "J02|C08": "3"}}, inputs)
    assert ahp.weights["J02"] == pytest.approx(0.6)
    for mode in ("entropy", "critic"):
        result = mv.compute_weights(mode, criteria, {}, inputs, missing="error")
        assert result.weights.sum() == pytest.approx(1.0) and (result.weights > 0).all()
    with pytest.raises(scoring.ScoringError, match="Aucun critère actif"):
        mv.compute_weights("equal", [], {}, inputs)
    with pytest.raises(scoring.ScoringError, match="somme des points est nulle"):
        mv.compute_weights("points", criteria, {"points": {"C02": 0, "C08": 0, "J02": 0}}, inputs)


def test_entropy_is_computed_on_eligible_dossiers_only() -> None:
    inputs = small_inputs()
    on_eligible = mv.compute_weights("entropy", ["C02", "J02"], {}, inputs).weights
    everything = scoring.weights("entropy", matrix=inputs.matrix[["C02", "J02"]]).weights
    expected = scoring.weights("entropy", matrix=inputs.matrix.loc[inputs.eligible_ids, ["C02", "J02"]]).weights
    assert on_eligible.to_numpy() == pytest.approx(expected.to_numpy())
    assert not np.allclose(on_eligible.to_numpy(), everything.to_numpy())


def test_points_and_order_start_from_current_weights() -> None:
    assert mv.points_from_weights({"A": 0.5, "B": 0.25, "C": 0.25}, ["A", "B", "C"]) == {"A": 10, "B": 5, "C": 5}
    assert mv.points_from_weights({"A": 1.0, "B": 1.0}, ["A", "B"]) == {"A": 5, "B": 5}
    assert mv.order_from_weights({"A": 0.2, "B": 0.5, "C": 0.2}, ["A", "B", "C"]) == ["B", "A", "C"]
    assert mv.roc_order(["A", "B", "C"], ["C", "X"]) == ["C", "A", "B"]


def test_weighted_product_needs_positive_values() -> None:
    inputs = small_inputs()
    assert mv.nonpositive_criteria(inputs, ["C02", "C08", "J02"]) == ["C08"]  # Colmar has no students


def test_normalised_weights_cover_enabled_criteria_only() -> None:
    inputs = small_inputs()
    weights = mv.normalised_weights(WeightProfile(weights={"C02": 3, "J02": 1, "C08": 5}, enabled=("C02", "J02")),
                                    inputs)
    assert weights.to_dict() == pytest.approx({"C02": 0.75, "J02": 0.25})


def test_profile_comparison_gives_weights_correlation_and_overlap() -> None:
    inputs = small_inputs()
    first, second = profile(weights={"C02": 1.0, "J02": 1.0}), profile(weights={"C08": 1.0, "J02": 3.0})
    a, b = decision.rank_call(inputs, first), decision.rank_call(inputs, second)
    comparison = mv.compare_profiles(inputs, first, second, a, b, top_n=2, names=("Courant", "Jury"))
    table = comparison.weights.set_index("Critère")
    assert table.loc["C02 — Distance au pôle universitaire le plus proche", "Courant"] == "50,0\u00a0%"
    assert table.loc["C02 — Distance au pôle universitaire le plus proche", "Jury"] == "0,0\u00a0%"
    assert table.loc["J02 — Adéquation aux besoins économiques et de compétences du bassin",
                     "Écart (points)"] == f"{MINUS}25,0"
    expected = np.corrcoef(a.ranks.rank(), b.ranks.rank())[0, 1]
    assert comparison.spearman == pytest.approx(expected)
    assert comparison.top_n == 2
    assert comparison.overlap == len(set(mv.top_ids(a, 2)) & set(mv.top_ids(b, 2)))
    same = mv.compare_profiles(inputs, first, first, a, a, top_n=3)
    assert same.spearman == pytest.approx(1.0) and same.overlap == 3 and not same.only_first


# ---------------------------------------------------------------- /classement


def test_filters_reduce_rows_and_keep_ranks() -> None:
    inputs = small_inputs()
    table = decision.ranking_table(inputs, decision.rank_call(inputs, profile()))
    assert mv.filter_ranking(table, mv.RankingFilters()).equals(table)
    bretagne = mv.filter_ranking(table, mv.RankingFilters(regions=("Bretagne",)))
    assert list(bretagne.index) == ["D3"] and bretagne.at["D3", "rank"] == table.at["D3", "rank"]
    assert list(mv.filter_ranking(table, mv.RankingFilters(overseas=True)).index) == ["D4"]
    assert set(mv.filter_ranking(table, mv.RankingFilters(acv=False)).index) == {"D3"}
    assert set(mv.filter_ranking(table, mv.RankingFilters(ti=True, acv=True)).index) == {"D1", "D5"}
    assert set(mv.filter_ranking(table, mv.RankingFilters(sectors=("BTP",))).index) == {"D1", "D3"}
    assert set(mv.filter_ranking(table, mv.RankingFilters(concepts=("tiers-lieu",))).index) == {"D1", "D3", "D5"}
    assert mv.filter_options(table)["sectors"] == ["BTP", "Industrie du futur", "Numérique", "Santé/thermalisme",
                                                   "Tertiaire"]


def test_ranking_display_is_french() -> None:
    inputs = small_inputs()
    result = decision.rank_call(inputs, profile())
    reference = decision.rank_call(inputs, profile(weights={"C02": 1.0}))
    shown = mv.ranking_display(decision.ranking_table(inputs, result, reference), "wsm")
    assert list(shown.columns) == ["Rang", "Dossier", "Région", "Score", "Évolution", "Éligibilité", "N° dossier"]
    first = shown.iloc[0]
    assert first["Rang"] == 1 and re.fullmatch(r"\d,\d{3}", first["Score"])
    change = reference.ranks[first["N° dossier"]] - 1
    assert first["Évolution"] == (f"▲ {change}" if change else "=")
    assert mv.rank_change_label(-2) == "▼ 2" and mv.rank_change_label(0) == "=" and mv.rank_change_label(np.nan) == "–"
    assert "D6" not in set(shown["N° dossier"])  # ineligible: not ranked
    assert shown.set_index("N° dossier").at["D5", "Éligibilité"] == decision.DEROGATION


def test_ineligible_and_derogation_tables_name_the_gate() -> None:
    inputs = small_inputs()
    ineligible = mv.ineligible_table(inputs)
    assert ineligible["N° dossier"].tolist() == ["D6"]
    assert ineligible.iloc[0][mv.INELIGIBLE_REASON].startswith("E03")
    derogation = mv.derogation_table(inputs)
    assert derogation["Dossier"].tolist() == ["Pithiviers (45)"] and "E01" in derogation.iloc[0][mv.DEROGATION_REASON]


def test_contribution_frame_says_what_it_shows() -> None:
    inputs = small_inputs()
    wsm = decision.rank_call(inputs, profile())
    frame, caption = mv.contribution_frame(wsm, ["D2", "D1"])
    assert list(frame.index) == ["D2", "D1"]
    assert frame.sum(axis=1).to_numpy() == pytest.approx(wsm.scores[["D2", "D1"]].to_numpy())
    assert "s'additionnent" in caption
    topsis = decision.rank_call(inputs, profile("topsis"))
    frame, caption = mv.contribution_frame(topsis, ["D1"])
    assert "pas de contributions additives" in caption and frame.shape == (1, 3)


# ---------------------------------------------------------------- /comparer


def test_wsm_sentence_names_both_towns_with_figures() -> None:
    inputs = small_inputs()
    result = decision.rank_call(inputs, profile())
    better, worse = result.ranks.sort_values().index[:2]
    sentence = mv.pair_sentence(inputs, result, worse, better)  # order of the arguments does not matter
    a, b = inputs.attributes.at[better, "display_name"], inputs.attributes.at[worse, "display_name"]
    gap = result.scores[better] - result.scores[worse]
    assert sentence.startswith(f"{a} devance {b} de {gap:.3f}".replace(".", ",") + " point")
    advantages = mv.pair_advantages(inputs, result, better, worse)
    assert advantages.sum() == pytest.approx(gap)
    top = advantages.idxmax()
    assert f"surtout grâce à {mv.criterion_labels(inputs, 40)[top]} (+" in sentence
    if (advantages.round(3) < 0).any():
        weakest = advantages.idxmin()
        assert f"{b} fait mieux sur" in sentence
        assert f"{mv.criterion_labels(inputs, 40)[weakest]} ({MINUS}{abs(advantages[weakest]):.3f}".replace(".", ",") \
            in sentence
    assert "n'est pas additive" not in sentence


def test_sentence_example_with_known_figures() -> None:
    inputs = small_inputs()
    result = decision.rank_call(inputs, profile(weights={"C02": 1.0, "J02": 1.0}))
    # D1: C02 120 (best, 1.0), J02 2 (0.25); D2: C02 80 (0.5), J02 5 (1.0) → D2 0.75 vs D1 0.625.
    sentence = mv.pair_sentence(inputs, result, "D1", "D2")
    assert sentence == ("Saverne (67) devance Colmar (68) de 0,125 point : surtout grâce à J02 — Adéquation aux "
                        f"besoins économiques et de… (+0,375) ; Colmar (68) fait mieux sur C02 — Distance au pôle "
                        f"universitaire le plus… ({MINUS}0,250).")


def test_other_methods_explain_with_weighted_normalised_gaps() -> None:
    inputs = small_inputs()
    for method in ("topsis", "vikor", "wpm"):
        matrix_ok = method != "wpm"
        weights = {"C02": 1.0, "J02": 2.0} if not matrix_ok else {"C02": 1.0, "C08": 1.0, "J02": 2.0}
        result = decision.rank_call(inputs, profile(method, weights))
        first, second = result.ranks.sort_values().index[:2]
        sentence = mv.pair_sentence(inputs, result, first, second)
        assert "n'est pas additive" in sentence and METHOD_LABELS[method] in sentence
        assert inputs.attributes.at[first, "display_name"] in sentence
    # TOPSIS keeps raw directions: fewer students (C08, min) must count in favour.
    result = decision.rank_call(inputs, profile("topsis"))
    assert mv.pair_advantages(inputs, result, "D1", "D3")["C08"] > 0
    vikor = decision.rank_call(inputs, profile("vikor"))
    assert mv.pair_advantages(inputs, vikor, "D1", "D3")["C02"] > 0
    promethee = decision.rank_call(inputs, profile("promethee2"))
    gap = mv.pair_advantages(inputs, promethee, "D1", "D3").sum()
    assert gap == pytest.approx(promethee.scores["D1"] - promethee.scores["D3"])
    assert "de flux net" in mv.pair_sentence(inputs, promethee, "D1", "D3")


def test_one_sentence_per_pair_best_first() -> None:
    inputs = small_inputs()
    result = decision.rank_call(inputs, profile())
    ids = ["D4", "D1", "D2"]
    sentences = mv.pair_sentences(inputs, result, ids)
    assert len(sentences) == 3
    best = min(ids, key=lambda d: result.ranks[d])
    assert sentences[0].startswith(inputs.attributes.at[best, "display_name"])


def test_comparison_table_highlights_the_best_value_per_row() -> None:
    inputs = small_inputs()
    result = decision.rank_call(inputs, profile())
    ids = ["D1", "D2", "D3"]
    table, best = mv.comparison_table(inputs, result, ids)
    assert list(table.columns) == ["Critère", "Poids", "Colmar (68)", "Saverne (67)", "Redon (35)"]
    rows = table.set_index("Critère")
    marks = best.set_index(table["Critère"])
    distance = "C02 — Distance au pôle universitaire le plus proche (km)"
    students = ("C08 — Offre d'enseignement supérieur existante (étudiants inscrits dans la commune) "
                "(étudiants)")
    assert rows.loc[distance, "Colmar (68)"] == "120" and marks.loc[distance].tolist() == [False, False, True, False,
                                                                                           False]
    assert marks.loc[students, "Colmar (68)"] and marks.loc[students].sum() == 1  # min criterion: 0 students
    assert rows.loc[students, "Redon (35)"] == "1\u202f000"
    assert rows.loc["Rang"].iloc[1:].tolist() == [str(int(result.ranks[d])) for d in ids]
    assert marks.loc["Rang"].iloc[2:].tolist() == [result.ranks[d] == result.ranks[ids].min() for d in ids]
    assert rows.loc[distance, "Poids"] == "25,0\u00a0%"
    assert not marks["Poids"].any() and not marks["Critère"].any()
    # A row where every value is equal highlights nothing.
    same = small_inputs()
    same.matrix["J02"] = 3.0
    _, flat = mv.comparison_table(same, decision.rank_call(same, profile()), ids)
    assert not flat.iloc[-1].any()
    styled = mv.style_comparison(table, best)
    styled._compute()
    column = table.columns.get_loc("Colmar (68)")
    row = int(np.flatnonzero(table["Critère"] == students)[0])
    assert ("font-weight", "bold") in styled.ctx[(row, column)]
    assert (row, table.columns.get_loc("Redon (35)")) not in styled.ctx or not styled.ctx[
        (row, table.columns.get_loc("Redon (35)"))]


def test_duplicate_names_get_their_dossier_id() -> None:
    inputs = small_inputs()
    inputs.attributes.loc["D2", "display_name"] = "Colmar (68)"
    assert mv.column_names(inputs, ["D1", "D2"]) == ["Colmar (68) [D1]", "Colmar (68) [D2]"]


def test_radar_values_are_oriented_better_outwards() -> None:
    inputs = small_inputs()
    wsm = decision.rank_call(inputs, profile())
    values, _ = mv.radar_values(inputs, profile(), wsm, ["D1", "D3"])
    assert values.at["D1", "C08"] == 1.0 and values.at["D3", "C08"] == 0.0
    vikor_profile = profile("vikor")
    vikor, _ = mv.radar_values(inputs, vikor_profile, decision.rank_call(inputs, vikor_profile), ["D1", "D3"])
    assert vikor.to_numpy() == pytest.approx(values.to_numpy())
    topsis_profile = profile("topsis")
    topsis, caption = mv.radar_values(inputs, topsis_profile, decision.rank_call(inputs, topsis_profile), ["D1", "D3"])
    assert topsis.to_numpy() == pytest.approx(values.to_numpy()) and "min-max" in caption


def test_short_text_and_signed_numbers() -> None:
    assert mv.short_text("Adéquation aux besoins économiques et de compétences du bassin", 30) == \
        "Adéquation aux besoins…"
    assert mv.short_text("Court", 30) == "Court"
    assert mv.signed(0.0412) == "+0,041" and mv.signed(-0.012) == f"{MINUS}0,012"


def test_a_profile_change_is_said_in_a_few_words() -> None:
    before = WeightProfile(weights={"C01": 1.0, "C02": 1.0}, enabled=("C01", "C02"))
    scaled = WeightProfile(weights={"C01": 0.5, "C02": 0.5}, enabled=("C01", "C02"))  # the same shares
    assert mv.profile_change(before, scaled) == "pondération : paramètres de la méthode"
    heavier = WeightProfile(weights={"C01": 3.0, "C02": 1.0}, enabled=("C01", "C02"))
    assert mv.profile_change(before, heavier) == "pondération : poids modifiés : C01, C02"
    other = WeightProfile(method="topsis", weights={"C01": 1.0, "C03": 1.0}, enabled=("C01", "C03"),
                          weighting={"mode": "points"})
    assert mv.profile_change(before, other) == (
        f"pondération : méthode {METHOD_LABELS['wsm']} → {METHOD_LABELS['topsis']}; critères ajoutés : C03; "
        "critères retirés : C02; mode Poids égaux → Points (curseurs)")
