"""Pondération: the panel sets the method, the criteria and their weights.

The editor's widgets start from the session's current profile (« profil du
jury » when one is saved, else equal weights) and are reset whenever another
profile becomes current (loaded here, or set elsewhere). Every change builds
a new `WeightProfile` and makes it current at once, so /classement follows.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

import scoring
from dashboard.core import charts, decision
from dashboard.core import views as mv
from dashboard.core.decision import WeightProfile
from dashboard.core.formatting import fr_number, fr_percent
from dashboard.core.labels import (
    EQUAL_WEIGHTS,
    GROUP_LABELS,
    JURY_PROFILE,
    METHOD_LABELS,
    MISSING_LABELS,
    PREFERENCE_LABELS,
    WEIGHTING_LABELS,
)
from dashboard.errors import AccessDenied, StoreError
from dashboard.ui import meeting
from scoring.spec import PREFERENCE_FUNCTIONS

W = "pond_w_"            # prefix of the editor's widget keys

store, actor, call, inputs, profile = meeting.open_meeting_page("Pondération")
labels = mv.criterion_labels(inputs)
short = mv.criterion_labels(inputs, limit=45)
usable = mv.usable_criteria(inputs)
matrix = decision.eligible_matrix(inputs)

if st.session_state.get("pond_synced") != f"{inputs.call_id}:{profile.fingerprint()}":
    # Another profile became current: the editor starts again from it.
    for stale in [k for k in st.session_state if str(k).startswith(W)]:
        del st.session_state[stale]


def init(name: str, value) -> str:
    """The widget key `name`, holding `value` unless the widget already has one."""
    key = W + name
    if key not in st.session_state:
        st.session_state[key] = value
    return key


flash = st.session_state.pop("pond_flash", None)
if flash:
    st.success(flash)
st.caption(f"{call.label} — {len(inputs.eligible_ids)} dossiers classés. Chaque changement est repris "
           "immédiatement par le classement, la comparaison et la liste restreinte.")

# ------------------------------------------------------------------ method
left, middle, right = st.columns([2, 1, 1])
method = left.selectbox("Méthode d'agrégation", list(METHOD_LABELS), format_func=METHOD_LABELS.get,
                        key=init("method", profile.method if profile.method in METHOD_LABELS else "wsm"))
v = float(profile.v)
if method == "vikor":
    v = middle.slider("VIKOR : poids v de l'utilité de groupe", 0.0, 1.0, step=0.05, key=init("v", v),
                      help="v = 1 : seule compte la somme des regrets ; v = 0 : seul compte le plus grand regret.")
missing = right.selectbox("Valeurs manquantes", list(MISSING_LABELS), format_func=MISSING_LABELS.get,
                          key=init("missing", profile.missing if profile.missing in MISSING_LABELS else "mean"))

# ------------------------------------------------------------------ criteria
st.subheader("Critères pris en compte")
groups = mv.criteria_by_group(inputs)
enabled_set: set[str] = set()
for column, (group, criteria) in zip(st.columns(len(groups)), groups.items()):
    column.markdown(f"**{GROUP_LABELS.get(group, group)}**")
    for criterion in criteria:
        if criterion not in usable:
            column.toggle(short[criterion], value=False, disabled=True, key=f"pond_off_{criterion}",
                          help="Aucune valeur pour cet appel (pas encore de notes ?).")
        elif column.toggle(short[criterion], key=init(f"on_{criterion}", criterion in profile.enabled),
                           help=labels[criterion]):
            enabled_set.add(criterion)
enabled = [c for c in inputs.criteria.index if c in enabled_set]

# ------------------------------------------------------------------ weighting mode
st.subheader("Pondération")
mode_now = profile.weighting.get("mode", "equal")
mode = st.radio("Mode de pondération", list(WEIGHTING_LABELS), format_func=WEIGHTING_LABELS.get, horizontal=True,
                key=init("mode", mode_now if mode_now in WEIGHTING_LABELS else "equal"))
weighting = dict(profile.weighting)
weighting["mode"] = mode
current_weights = mv.normalised_weights(profile, inputs).to_dict()
ahp_grid = None

if not enabled:
    st.error("Aucun critère actif : activez au moins un critère.")
    st.stop()

if mode == "points":
    st.caption("De 0 à 10 points par critère ; le pourcentage est le poids normalisé (points / total).")
    stored = weighting.get("points", {})
    defaults = mv.points_from_weights(current_weights, enabled)
    keys = {c: init(f"points_{c}", int(stored.get(c, defaults[c]))) for c in enabled}
    points = {c: int(st.session_state[keys[c]]) for c in enabled}
    total = sum(points.values())
    columns = st.columns(2)
    for i, criterion in enumerate(enabled):
        share = fr_percent(points[criterion] / total, 1) if total else "–"
        columns[i % 2].slider(f"{short[criterion]} · {share}", 0, 10, step=1, key=keys[criterion])
    weighting["points"] = {**stored, **points}
elif mode == "ahp":
    st.caption("Pour chaque paire, combien le critère de la ligne est plus important que l'autre. "
               + mv.SAATY_HELP + " Les réciproques sont déduites.")
    if len(enabled) > 10:
        st.warning(f"{len(enabled)} critères, soit {len(enabled) * (len(enabled) - 1) // 2} comparaisons : "
                   "le ratio de cohérence n'est défini que jusqu'à 10 critères. Désactivez-en quelques-uns.")
    pairwise = dict(weighting.get("pairwise", {}))
    start = mv.ahp_judgements_from_weights(enabled, current_weights)
    for i, first in enumerate(enabled[:-1]):
        st.markdown(f"**{labels[first]}** face à :")
        columns = st.columns(3)
        for k, second in enumerate(enabled[i + 1:]):
            pair = mv.pair_key(first, second)
            known = pair in pairwise or mv.pair_key(second, first) in pairwise
            value = mv.saaty_label(mv.judgement(pairwise, first, second)) if known else start[pair]
            columns[k % 3].select_slider(f"{first} face à {short[second]}", options=mv.SAATY_LABELS,
                                         key=init(f"ahp_{first}_{second}", value))
            pairwise.pop(mv.pair_key(second, first), None)
            pairwise[pair] = st.session_state[W + f"ahp_{first}_{second}"]
    weighting["pairwise"] = pairwise
    ahp_grid = mv.ahp_matrix(enabled, pairwise)
elif mode == "roc":
    st.caption("Cliquez les critères du plus important au moins important (videz la liste avec × pour "
               "recommencer) ; les poids suivent la méthode du centroïde des rangs (ROC, Barron et Barrett 1996).")
    distinct = len({round(w, 9) for w in current_weights.values()}) > 1
    start = weighting.get("order") or (mv.order_from_weights(current_weights, enabled) if distinct else [])
    key = init("roc_order", [c for c in start if c in enabled])
    if any(c not in enabled for c in st.session_state[key]):
        st.session_state[key] = [c for c in st.session_state[key] if c in enabled]
    order = st.multiselect("Ordre d'importance (du plus au moins important)", enabled, key=key,
                           placeholder="Choisissez le critère le plus important")
    left_out = [c for c in enabled if c not in order]
    if left_out:
        st.caption("Placés en fin d'ordre (non rangés) : " + ", ".join(left_out))
    weighting["order"] = mv.roc_order(enabled, order)
    st.markdown("\n".join(f"{i}. {labels[c]}" for i, c in enumerate(weighting["order"], start=1)))
elif mode == "equal":
    st.caption("Chaque critère actif reçoit le même poids.")
else:
    st.caption(f"Poids calculés sur les valeurs des {len(matrix)} dossiers éligibles : "
               + ("plus une colonne est dispersée (entropie faible), plus elle pèse."
                  if mode == "entropy" else
                  "plus un critère est dispersé et peu corrélé aux autres, plus il pèse (CRITIC)."))

if method == "wpm":
    zeros = mv.nonpositive_criteria(inputs, enabled)
    if zeros:
        st.error("Le produit pondéré exige des valeurs strictement positives ; ces critères ont des valeurs "
                 "nulles ou négatives : " + ", ".join(zeros) + ". Désactivez-les ou choisissez une autre méthode.")

try:
    weights = mv.compute_weights(mode, enabled, weighting, inputs, missing)
except scoring.ScoringError as error:
    st.error(str(error))
    st.stop()

if mode == "ahp":
    cr = weights.cr
    st.metric("Ratio de cohérence (CR)", "non défini" if cr is None else fr_number(cr, 3),
              help="Saaty : les comparaisons sont jugées cohérentes jusqu'à 0,10.")
    diagnosis = mv.ahp_diagnosis(weights, ahp_grid, labels)
    if diagnosis:
        st.warning(diagnosis)
    with st.expander("Matrice complète des comparaisons (réciproques déduites)"):
        st.dataframe(mv.ahp_matrix_labels(ahp_grid), key="pond_ahp_matrix")
elif weights.warnings:
    st.warning(weights.warning)

# ------------------------------------------------------------------ PROMETHEE preference functions
preferences = dict(profile.preferences)
if method == "promethee2":
    with st.expander("PROMETHEE II : fonction de préférence et seuils par critère", expanded=True):
        st.caption("Par défaut : fonction linéaire, indifférence q = 5 % et préférence p = 30 % de l'étendue "
                   "observée du critère (dossiers éligibles). Les seuils sont dans l'unité du critère.")
        defaults = mv.promethee_default_preferences(matrix, enabled)
        spans = mv.criterion_ranges(matrix[enabled])
        problems = []
        for criterion in enabled:
            base = preferences.get(criterion, defaults[criterion])
            columns = st.columns([3, 2, 1, 1])
            unit = inputs.criteria.at[criterion, "unit"]
            columns[0].markdown(f"{short[criterion]}  \nétendue : {fr_number(spans[criterion], 2)} "
                                f"{unit if isinstance(unit, str) else ''}")
            function = columns[1].selectbox("Fonction", PREFERENCE_FUNCTIONS, format_func=PREFERENCE_LABELS.get,
                                            key=init(f"fn_{criterion}", base.get("function", "linear")))
            q = columns[2].number_input("q", min_value=0.0, key=init(f"q_{criterion}", float(base.get("q", 0.0))))
            p = columns[3].number_input("p", min_value=0.0, key=init(f"p_{criterion}", float(base.get("p", 1.0))))
            preferences[criterion] = {"function": function, "q": float(q), "p": float(p)}
            problem = mv.check_preference(criterion, labels[criterion], preferences[criterion])
            if problem:
                problems.append(problem)
        if problems:
            for problem in problems:
                st.error(problem)
            st.stop()

new_profile = WeightProfile(method=method, weights={c: round(float(w), 9) for c, w in weights.weights.items()},
                            enabled=tuple(enabled), preferences=preferences, v=float(v), missing=missing,
                            weighting=weighting)
meeting.set_current_profile(inputs.call_id, new_profile)
st.session_state["pond_synced"] = f"{inputs.call_id}:{new_profile.fingerprint()}"

# ------------------------------------------------------------------ resulting weights
st.subheader("Poids normalisés")
normalised = mv.normalised_weights(new_profile, inputs)
left, right = st.columns([1, 1])
left.dataframe(pd.DataFrame({
    "Critère": [mv.criterion_labels(inputs, limit=55)[c] for c in normalised.index],
    "Poids": [fr_percent(w, 1) for w in normalised],
}), hide_index=True, key="pond_weights", width="stretch", height=35 * (len(normalised) + 1) + 3)
right.plotly_chart(charts.weights_bar(normalised, short), key="pond_weights_chart", width="stretch")

try:
    current_result = meeting.ranking(inputs, new_profile)
except scoring.ScoringError as error:
    current_result = None
    st.error(f"Ce profil ne permet pas de classer l'appel : {error}")

# ------------------------------------------------------------------ named profiles
st.subheader("Profils enregistrés")
save_tab, load_tab, compare_tab = st.tabs(["Enregistrer", "Charger", "Comparer"])
with save_tab:
    if actor.role == "direction":
        st.info("Consultation seule : la direction du Cnam n'enregistre pas de profil.")
    else:
        rule = ("Vous pouvez enregistrer le « profil du jury » et vos profils nommés."
                if actor.role in ("president", "admin") else
                "Vous enregistrez vos propres profils ; le « profil du jury » est réservé à la présidence "
                "et à l'administration.")
        st.caption(rule)
        name = st.text_input("Nom du profil", key="pond_save_name", placeholder="par ex. priorité industrie")
        buttons = st.container(horizontal=True)
        to_save = name if buttons.button("Enregistrer", key="pond_save", type="primary") else None
        if actor.role in ("president", "admin") and buttons.button("Enregistrer comme « profil du jury »",
                                                                   key="pond_save_jury"):
            to_save = JURY_PROFILE
        if to_save is not None:
            try:
                store.save_weight_profile(actor, inputs.call_id, to_save, new_profile.to_dict())
            except (AccessDenied, StoreError) as refused:
                st.error(str(refused))
            else:
                st.success(f"Profil « {to_save.strip()} » enregistré.")

saved = store.weight_profiles(actor, inputs.call_id)
saved_profiles = dict(zip(saved["name"], saved["profile"]))
choices = list(saved_profiles) + [EQUAL_WEIGHTS]


def profile_named(name: str) -> WeightProfile:
    return decision.default_profile(inputs) if name == EQUAL_WEIGHTS else WeightProfile.from_dict(saved_profiles[name])


with load_tab:
    if saved.empty:
        st.caption("Aucun profil enregistré pour cet appel.")
    else:
        st.dataframe(pd.DataFrame({
            "Profil": saved["name"],
            "Auteur": saved["owner"],
            "Enregistré le": saved["saved_at"].dt.strftime("%d/%m/%Y %H:%M"),
            "Méthode": [METHOD_LABELS.get(p.get("method"), p.get("method")) for p in saved["profile"]],
        }), hide_index=True, key="pond_saved_profiles")
    chosen = st.selectbox("Profil à charger", choices, key="pond_load_choice")
    if st.button("Charger dans l'éditeur", key="pond_load"):
        meeting.set_current_profile(inputs.call_id, profile_named(chosen))
        st.session_state["pond_flash"] = f"Profil « {chosen} » chargé dans l'éditeur."
        st.rerun()

with compare_tab:
    other_name = st.selectbox("Comparer le profil courant avec", choices, key="pond_compare_with")
    if current_result is not None:
        ranked = len(current_result.ranks)
        top_n = st.number_input("Taille du haut de classement comparé (N)", min_value=1, max_value=ranked,
                                value=min(10, ranked), key="pond_compare_n")
        try:
            other_result = meeting.ranking(inputs, profile_named(other_name))
        except scoring.ScoringError as error:
            st.error(f"Le profil « {other_name} » ne permet pas de classer l'appel : {error}")
        else:
            comparison = mv.compare_profiles(inputs, new_profile, profile_named(other_name), current_result,
                                             other_result, int(top_n), names=("Profil courant", other_name))
            metrics = st.columns(2)
            metrics[0].metric("Corrélation des rangs (Spearman)", fr_number(comparison.spearman, 2))
            metrics[1].metric(f"Dossiers communs aux {comparison.top_n} premiers",
                              f"{comparison.overlap} / {comparison.top_n}")
            if comparison.only_first or comparison.only_second:
                st.caption(f"Seulement dans les {comparison.top_n} premiers du profil courant : "
                           f"{', '.join(comparison.only_first) or '–'} · seulement dans ceux de « {other_name} » : "
                           f"{', '.join(comparison.only_second) or '–'}")
            st.dataframe(comparison.weights, hide_index=True, key="pond_compare_table", width="stretch")
