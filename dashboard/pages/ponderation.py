"""Pondération: the panel sets the method, the criteria and their weights.

Once the call has a séance, the page shows its official profile: the president edits it
while the séance is open (each change a new version, journalled), the others read it;
anyone may switch to an « essai personnel » and edit their own profile instead.

The editor's widgets start from the session's current profile (« profil du
jury » when one is saved, else equal weights) and are reset whenever another
profile becomes current (loaded here, or set elsewhere). Every change builds
a new `WeightProfile`; `_change_profile` is the one place where it becomes
the session's current profile (so /classement follows at once), or is
refused with a French message saying that the previous profile remains.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

import scoring
from dashboard.core import ahp, charts, decision
from dashboard.core import views as mv
from dashboard.core.decision import DecisionInputs, WeightProfile
from dashboard.core.formatting import fr_datetime, fr_number, fr_percent
from dashboard.core.labels import (
    EQUAL_WEIGHTS,
    GROUP_LABELS,
    JURY_PROFILE,
    METHOD_LABELS,
    MISSING_LABELS,
    PREFERENCE_LABELS,
    WEIGHTING_LABELS,
)
from dashboard.core.text import md, md_format
from dashboard.errors import AccessDenied, StoreError
from dashboard.store.access import may
from dashboard.ui import meeting
from dashboard.ui.meeting import MeetingPage
from dashboard.ui.server import show_refusal
from dashboard.ui.widgets import CHART_CONFIG
from scoring.spec import PREFERENCE_FUNCTIONS
from scoring.weighting import CR_THRESHOLD, SAATY_RANDOM_INDEX

W = "pond_w_"            # prefix of the editor's widget keys
SYNCED = "pond_synced"   # « call:fingerprint » of the profile the widgets were last built from
CONFIRM = "pond_confirm"  # fingerprint of the inconsistent profile waiting for its « profil du jury » confirmation
PROFILES_TAB = "pond_profiles_tab"  # the open tab of « Profils enregistrés »: only that one is drawn


@dataclass(frozen=True)
class Refusal:
    """Why the editor's settings cannot become the current profile (French messages)."""

    messages: tuple[str, ...]


@dataclass(frozen=True)
class AhpGrid:
    """What AHP mode leaves to show below its sliders: the flat matrix (its consistency and full grid),
    or None when the blocks showed their consistency beside their sliders."""

    matrix: pd.DataFrame | None


@dataclass(frozen=True)
class Labels:
    """The criteria's names on this page: full, and shortened for widgets."""

    full: dict[str, str]
    short: dict[str, str]


def _init(name: str, value: Any) -> str:
    """The widget key `name`, holding `value` unless the widget already has one."""
    key = W + name
    if key not in st.session_state:
        st.session_state[key] = value
    return key


def _sync_editor(inputs: DecisionInputs, profile: WeightProfile) -> None:
    """When another profile became current, the editor starts again from it."""
    if st.session_state.get(SYNCED) != f"{inputs.call_id}:{profile.fingerprint()}":
        for stale in [k for k in st.session_state if str(k).startswith(W)]:
            del st.session_state[stale]


def _change_profile(page: MeetingPage, edited: WeightProfile | Refusal) -> WeightProfile:
    """The one place where the page changes the session's profile: the edited profile becomes
    current, or it is refused with its messages and the previous profile remains (the page stops)."""
    if isinstance(edited, Refusal):
        for message in edited.messages:
            st.error(md(message))
        method = METHOD_LABELS.get(page.profile.method, page.profile.method)
        st.info(md_format("Le profil courant reste le précédent ({}, {} critères) : le classement, la comparaison "
                          "et la liste restreinte n'ont pas changé.", method, fr_number(len(page.profile.enabled))))
        st.stop()
    if page.edits_official:
        return _change_official_profile(page, edited)
    meeting.set_current_profile(page.inputs.call_id, edited)
    st.session_state[SYNCED] = f"{page.inputs.call_id}:{edited.fingerprint()}"
    return edited


def _change_official_profile(page: MeetingPage, edited: WeightProfile) -> WeightProfile:
    """The president's editor on the official profile: a change the person made becomes the next
    version; otherwise the official profile stays as the séance holds it."""
    current = page.profile
    if meeting.change_official(page, "profil", edited.fingerprint(),
                               _official_write(page, edited, mv.profile_change(page.profile, edited))):
        current = edited
    # The editor was built from the official profile: it is rebuilt only when another version comes.
    st.session_state[SYNCED] = f"{page.inputs.call_id}:{current.fingerprint()}"
    return current


def _official_write(page: MeetingPage, profile: WeightProfile, change: str) -> Callable[[], object]:
    """The write that makes `profile` the séance's next official version (a compare-and-set on the
    version shown)."""
    official = page.official
    assert official is not None
    return lambda: page.store.set_official_profile(page.actor, official.seance.seance_id, profile.to_dict(),
                                                   official.settings.version, change)


def _render_official_profile(page: MeetingPage) -> None:
    """The official profile as the séance holds it, for those who do not change it, and its versions."""
    method = METHOD_LABELS.get(page.profile.method, page.profile.method)
    mode = WEIGHTING_LABELS.get(page.profile.weighting.get("mode", "equal"), page.profile.weighting.get("mode"))
    st.markdown(md_format("**Méthode** : {} · **mode de pondération** : {} · {} critères actifs.", method, mode,
                          fr_number(len(page.profile.enabled))))
    st.caption("Pour essayer d'autres poids sans changer la séance, activez « Essai personnel » ci-dessus.")


def _render_versions(page: MeetingPage) -> None:
    """Every version of the séance's official settings: who changed what, when."""
    if page.official is None:
        return
    versions = page.store.official_versions(page.actor, page.official.seance.seance_id)
    with st.expander(f"Versions officielles de la séance ({fr_number(len(versions))})"):
        st.dataframe(pd.DataFrame({
            "Version": versions["version"],
            "Changement": versions["change"],
            "Par": versions["changed_by"],
            "Le": [fr_datetime(v) for v in versions["changed_at"]],
        }), hide_index=True, width="stretch", key="pond_versions")


# ------------------------------------------------------------------ method and criteria


def _render_method(profile: WeightProfile) -> tuple[str, float, str]:
    """(method, VIKOR's v, missing-value rule)."""
    left, middle, right = st.columns([2, 1, 1])
    method = left.selectbox("Méthode d'agrégation", list(METHOD_LABELS), format_func=lambda m: METHOD_LABELS[m],
                            key=_init("method", profile.method if profile.method in METHOD_LABELS else "wsm"))
    v = float(profile.v)
    if method == "vikor":
        v = middle.slider("VIKOR : poids v de l'utilité de groupe", 0.0, 1.0, step=0.05, key=_init("v", v),
                          help="v = 1 : seule compte la somme des regrets ; v = 0 : seul compte le plus grand regret.")
    missing = right.selectbox("Valeurs manquantes", list(MISSING_LABELS), format_func=lambda m: MISSING_LABELS[m],
                              key=_init("missing", profile.missing if profile.missing in MISSING_LABELS else "mean"))
    return str(method), float(v), str(missing)


def _render_criteria(inputs: DecisionInputs, profile: WeightProfile, labels: Labels) -> list[str]:
    """The criteria switched on, in catalogue order."""
    st.subheader("Critères pris en compte")
    usable = mv.usable_criteria(inputs)
    groups = mv.criteria_by_group(inputs)
    enabled_set: set[str] = set()
    for column, (group, criteria) in zip(st.columns(len(groups)), groups.items(), strict=True):
        column.markdown(f"**{GROUP_LABELS.get(group, group)}**")
        for criterion in criteria:
            if criterion not in usable:
                column.toggle(md(labels.short[criterion]), value=False, disabled=True, key=f"pond_off_{criterion}",
                              help="Aucune valeur pour cet appel (pas encore de notes ?).")
            elif column.toggle(md(labels.short[criterion]),
                               key=_init(f"on_{criterion}", criterion in profile.enabled),
                               help=md(labels.full[criterion])):
                enabled_set.add(criterion)
    return [c for c in inputs.criteria.index if c in enabled_set]


# ------------------------------------------------------------------ weighting modes


def _render_points(weighting: dict[str, Any], current: dict[str, float], enabled: list[str],
                   labels: Labels) -> None:
    st.caption("De 0 à 10 points par critère ; le pourcentage est le poids normalisé (points / total).")
    stored = weighting.get("points", {})
    defaults = mv.points_from_weights(current, enabled)
    keys = {c: _init(f"points_{c}", int(stored.get(c, defaults[c]))) for c in enabled}
    points = {c: int(st.session_state[keys[c]]) for c in enabled}
    total = sum(points.values())
    columns = st.columns(2)
    for i, criterion in enumerate(enabled):
        share = fr_percent(points[criterion] / total, 1) if total else "–"
        columns[i % 2].slider(md(f"{labels.short[criterion]} · {share}"), 0, 10, step=1, key=keys[criterion])
    weighting["points"] = {**stored, **points}


def _render_ahp(weighting: dict[str, Any], current: dict[str, float], enabled: list[str], labels: Labels,
                groups: dict[str, list[str]]) -> AhpGrid:
    """The pairwise judgements, flat or by groups of criteria (each block with its consistency beside it)."""
    st.caption(md("Pour chaque paire, combien le premier terme est plus important que le second. "
                  + ahp.SAATY_HELP + " Les réciproques sont déduites."))
    weighting["structure"] = st.radio("Comparaisons", list(ahp.STRUCTURE_LABELS), horizontal=True,
                                      format_func=lambda s: ahp.STRUCTURE_LABELS[s],
                                      key=_init("ahp_structure", ahp.structure(weighting)),
                                      help="Par groupes : les groupes de critères sont comparés entre eux, puis les "
                                           "critères au sein de chaque groupe ; le poids d'un critère est le "
                                           "produit des deux (composition hiérarchique de Saaty).")
    if weighting["structure"] == ahp.FLAT:
        return AhpGrid(_render_flat_ahp(weighting, current, enabled, labels))
    for block in ahp.blocks(enabled, groups):
        _render_ahp_block(block, weighting, current, labels, groups)
    return AhpGrid(None)


def _render_flat_ahp(weighting: dict[str, Any], current: dict[str, float], enabled: list[str],
                     labels: Labels) -> pd.DataFrame:
    """Every pair of enabled criteria in one matrix (as AHP profiles were before the groups)."""
    table_end = max(SAATY_RANDOM_INDEX)  # the consistency ratio's last criterion count
    if len(enabled) > table_end:
        st.warning(f"{fr_number(len(enabled))} critères, soit {fr_number(len(enabled) * (len(enabled) - 1) // 2)} "
                   f"comparaisons : le ratio de cohérence n'est défini que jusqu'à "
                   f"{fr_number(table_end)} critères (table des indices aléatoires de Saaty). "
                   "Comparez par groupes de critères, ou désactivez-en quelques-uns.")
    pairwise = dict(weighting.get("pairwise", {}))
    start = ahp.ahp_judgements_from_weights(enabled, current)
    for i, first in enumerate(enabled[:-1]):
        st.markdown(md_format("**{}** face à :", labels.full[first]))
        columns = st.columns(3)
        for k, second in enumerate(enabled[i + 1:]):
            key = _judgement_key(pairwise, first, second, start, f"ahp_{first}_{second}")
            columns[k % 3].select_slider(md(f"{first} face à {labels.short[second]}"), options=ahp.SAATY_LABELS,
                                         key=key)
            pairwise.pop(ahp.pair_key(second, first), None)
            pairwise[ahp.pair_key(first, second)] = st.session_state[key]
    weighting["pairwise"] = pairwise
    return ahp.ahp_matrix(enabled, pairwise)


def _judgement_key(judgements: dict[str, Any], first: str, second: str, start: dict[str, str], name: str) -> str:
    """The widget key of one judgement, holding the stored one (or the starting grid's) the first time."""
    known = ahp.pair_key(first, second) in judgements or ahp.pair_key(second, first) in judgements
    value = ahp.saaty_label(ahp.judgement(judgements, first, second)) if known else start[ahp.pair_key(first, second)]
    return _init(name, value)


def _render_ahp_block(block: ahp.Block, weighting: dict[str, Any], current: dict[str, float], labels: Labels,
                      groups: dict[str, list[str]]) -> None:
    """One matrix of the hierarchy: its sliders, and beside them its consistency ratio; when it exceeds
    0,10, the most inconsistent pair is marked on its slider with the value that would agree."""
    judgements = dict(weighting.get(block.key, {}))
    start = ahp.starting_judgements(block, current, groups)
    prefix = "ahpg" if block.name == ahp.GROUPS_BLOCK else "ahp"
    keys = {pair: _judgement_key(judgements, *pair, start, f"{prefix}_{pair[0]}_{pair[1]}") for pair in block.pairs}
    for (first, second), key in keys.items():
        judgements.pop(ahp.pair_key(second, first), None)
        judgements[ahp.pair_key(first, second)] = st.session_state[key]
    weighting[block.key] = {**weighting.get(block.key, {}), **judgements}
    matrix = ahp.ahp_matrix(block.items, judgements)
    result = scoring.weights("ahp", pairwise=matrix)
    names = {g: GROUP_LABELS.get(g, g) for g in groups} if block.name == ahp.GROUPS_BLOCK else labels.short
    flagged = result.inconsistent_pair if result.cr is not None and result.cr > CR_THRESHOLD else None
    with st.container(border=True, key=f"pond_block_{block.name}"):
        st.markdown(md_format("**{}** — {} comparaisons",
                              "Groupes de critères" if block.name == ahp.GROUPS_BLOCK
                              else GROUP_LABELS.get(block.name, block.name), fr_number(len(block.pairs))))
        sliders, verdict = st.columns([4, 1])
        columns = sliders.columns(2)
        for k, ((first, second), key) in enumerate(keys.items()):
            marked = flagged is not None and {first, second} == set(flagged)
            label = f"{'⚠ ' if marked else ''}{names[first]} face à {names[second]}"
            columns[k % 2].select_slider(md(label), options=ahp.SAATY_LABELS, key=key)
            if marked:
                columns[k % 2].caption(md_format("Comparaison la plus incohérente : une valeur proche de {} serait "
                                                 "cohérente avec les autres.",
                                                 ahp.saaty_label(_suggested(result, first, second))))
        verdict.metric("Ratio de cohérence (CR)", "non défini" if result.cr is None else fr_number(result.cr, 3),
                       help="Saaty : les comparaisons sont jugées cohérentes jusqu'à 0,10.")
        if flagged is not None:
            verdict.warning("Incohérent (au-delà de 0,10).")


def _suggested(result: scoring.WeightsResult, first: str, second: str) -> float:
    """The judgement « first face à second » consistent with the block's weights."""
    return float(result.weights[first] / result.weights[second])


def _render_roc(weighting: dict[str, Any], current: dict[str, float], enabled: list[str], labels: Labels) -> None:
    st.caption("Cliquez les critères du plus important au moins important (videz la liste avec × pour "
               "recommencer) ; les poids suivent la méthode du centroïde des rangs (ROC, Barron et Barrett 1996).")
    distinct = len({round(w, 9) for w in current.values()}) > 1
    start = weighting.get("order") or (mv.order_from_weights(current, enabled) if distinct else [])
    key = _init("roc_order", [c for c in start if c in enabled])
    if any(c not in enabled for c in st.session_state[key]):
        st.session_state[key] = [c for c in st.session_state[key] if c in enabled]
    order = st.multiselect("Ordre d'importance (du plus au moins important)", enabled, key=key,
                           placeholder="Choisissez le critère le plus important")
    left_out = [c for c in enabled if c not in order]
    if left_out:
        st.caption(md("Placés en fin d'ordre (non rangés) : " + ", ".join(left_out)))
    weighting["order"] = mv.roc_order(enabled, order)
    st.markdown("\n".join(f"{fr_number(i)}. {md(labels.full[c])}" for i, c in enumerate(weighting["order"], start=1)))


def _render_mode_settings(mode: str, weighting: dict[str, Any], current: dict[str, float], enabled: list[str],
                          labels: Labels, inputs: DecisionInputs) -> AhpGrid | None:
    """The widgets of the weighting mode; in AHP mode, what is left to show of its consistency."""
    if mode == "points":
        _render_points(weighting, current, enabled, labels)
    elif mode == "ahp":
        return _render_ahp(weighting, current, enabled, labels, mv.criteria_by_group(inputs))
    elif mode == "roc":
        _render_roc(weighting, current, enabled, labels)
    elif mode == "equal":
        st.caption("Chaque critère actif reçoit le même poids.")
    else:
        st.caption(f"Poids calculés sur les valeurs des {fr_number(len(inputs.eligible_ids))} dossiers éligibles : "
                   + ("plus une colonne est dispersée (entropie faible), plus elle pèse."
                      if mode == "entropy" else
                      "plus un critère est dispersé et peu corrélé aux autres, plus il pèse (CRITIC)."))
    return None


def _render_consistency(weights: scoring.WeightsResult, grid: AhpGrid | None, labels: Labels) -> None:
    """Flat AHP's consistency ratio and diagnosis (by groups, each block shows its own beside its
    sliders), or the weighting's warnings."""
    if grid is None:
        if weights.warnings:
            st.warning(md(weights.warning))
        return
    if grid.matrix is None:
        return
    cr = weights.cr
    st.metric("Ratio de cohérence (CR)", "non défini" if cr is None else fr_number(cr, 3),
              help="Saaty : les comparaisons sont jugées cohérentes jusqu'à 0,10.")
    diagnosis = ahp.ahp_diagnosis(weights, grid.matrix, labels.full)
    if diagnosis:
        st.warning(md(diagnosis))
    with st.expander("Matrice complète des comparaisons (réciproques déduites)"):
        st.dataframe(ahp.ahp_matrix_labels(grid.matrix), key="pond_ahp_matrix")


def _render_preferences(inputs: DecisionInputs, profile: WeightProfile, enabled: list[str],
                        labels: Labels) -> dict[str, Any] | Refusal:
    """PROMETHEE II's preference function and thresholds per criterion, or the thresholds refused."""
    preferences = dict(profile.preferences)
    matrix = decision.eligible_matrix(inputs)
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
            columns[0].markdown(md_format("{}  \nétendue : {} {}", labels.short[criterion],
                                          fr_number(spans[criterion], 2), unit if isinstance(unit, str) else ""))
            function = columns[1].selectbox("Fonction", PREFERENCE_FUNCTIONS,
                                            format_func=lambda f: PREFERENCE_LABELS[f],
                                            key=_init(f"fn_{criterion}", base.get("function", "linear")))
            q = columns[2].number_input("q", min_value=0.0, key=_init(f"q_{criterion}", float(base.get("q", 0.0))))
            p = columns[3].number_input("p", min_value=0.0, key=_init(f"p_{criterion}", float(base.get("p", 1.0))))
            preferences[criterion] = {"function": function, "q": float(q), "p": float(p)}
            problem = mv.check_preference(criterion, labels.full[criterion], preferences[criterion])
            if problem:
                problems.append(problem)
    return Refusal(tuple(problems)) if problems else preferences


# ------------------------------------------------------------------ the edited profile


def _edited_profile(page: MeetingPage, labels: Labels) -> WeightProfile | Refusal:
    """The profile the editor's widgets describe, or why it cannot be used."""
    inputs, profile = page.inputs, page.profile
    method, v, missing = _render_method(profile)
    enabled = _render_criteria(inputs, profile, labels)
    st.subheader("Pondération")
    mode_now = profile.weighting.get("mode", "equal")
    mode = st.radio("Mode de pondération", list(WEIGHTING_LABELS), format_func=lambda m: WEIGHTING_LABELS[m],
                    horizontal=True, key=_init("mode", mode_now if mode_now in WEIGHTING_LABELS else "equal"))
    if not enabled:
        return Refusal(("Aucun critère actif : activez au moins un critère.",))
    weighting = {**profile.weighting, "mode": mode}
    current = {str(c): float(w) for c, w in mv.normalised_weights(profile, inputs).items()}
    ahp_grid = _render_mode_settings(str(mode), weighting, current, enabled, labels, inputs)
    if method == "wpm":
        zeros = mv.nonpositive_criteria(inputs, enabled)
        if zeros:
            st.error(md_format("Le produit pondéré exige des valeurs strictement positives ; ces critères ont des "
                               "valeurs nulles ou négatives : {}. Désactivez-les ou choisissez une autre méthode.",
                               ", ".join(zeros)))
    try:
        weights = mv.compute_weights(str(mode), enabled, weighting, inputs, missing)
    except scoring.ScoringError as error:
        return Refusal((str(error),))
    _render_consistency(weights, ahp_grid, labels)
    preferences = _render_preferences(inputs, profile, enabled, labels) if method == "promethee2" \
        else dict(profile.preferences)
    if isinstance(preferences, Refusal):
        return preferences
    return WeightProfile(method=method, weights={str(c): round(float(w), 9) for c, w in weights.weights.items()},
                         enabled=tuple(enabled), preferences=preferences, v=v, missing=missing,
                         weighting=weighting)


def _render_weights(inputs: DecisionInputs, profile: WeightProfile, labels: Labels) -> None:
    st.subheader("Poids normalisés")
    normalised = mv.normalised_weights(profile, inputs)
    left, right = st.columns([1, 1])
    names = mv.criterion_labels(inputs, limit=55)
    left.dataframe(pd.DataFrame({
        "Critère": [names[c] for c in normalised.index],
        "Poids": [fr_percent(w, 1) for w in normalised],
    }), hide_index=True, key="pond_weights", width="stretch", height=35 * (len(normalised) + 1) + 3)
    right.plotly_chart(charts.weights_bar(normalised, labels.short), key="pond_weights_chart", width="stretch",
                       config=CHART_CONFIG)


# ------------------------------------------------------------------ named profiles


def _render_save(page: MeetingPage, profile: WeightProfile) -> None:
    """Save the current profile under a name, or as « profil du jury » for those allowed (an AHP profile
    whose comparisons are inconsistent only once the person confirms it, which the journal keeps)."""
    actor = page.actor
    if not may(actor, "save_profile"):
        st.info("Consultation seule : la direction du Cnam n'enregistre pas de profil.")
        return
    jury_allowed = may(actor, "save_jury_profile")
    st.caption("Vous pouvez enregistrer le « profil du jury » et vos profils nommés." if jury_allowed else
               "Vous enregistrez vos propres profils ; le « profil du jury » est réservé à la présidence "
               "et à l'administration.")
    name = st.text_input("Nom du profil", key="pond_save_name", placeholder="par ex. priorité industrie")
    buttons = st.container(horizontal=True)
    to_save = name if buttons.button("Enregistrer", key="pond_save", type="primary") else None
    if jury_allowed and buttons.button("Enregistrer comme « profil du jury »", key="pond_save_jury"):
        st.session_state[CONFIRM] = profile.fingerprint()
    inconsistency = _inconsistency(page, profile)
    if st.session_state.get(CONFIRM) == profile.fingerprint() and (inconsistency is None
                                                                   or _confirmed(inconsistency)):
        to_save = JURY_PROFILE
    if to_save is None:
        return
    st.session_state.pop(CONFIRM, None)
    try:
        page.store.save_weight_profile(actor, page.inputs.call_id, to_save, profile.to_dict(),
                                       accepted_inconsistency=inconsistency if to_save == JURY_PROFILE else None)
    except (AccessDenied, StoreError) as refused:
        show_refusal(refused)
    else:
        st.success(md_format("Profil « {} » enregistré.", to_save.strip()))


def _inconsistency(page: MeetingPage, profile: WeightProfile) -> str | None:
    """For an AHP profile with a consistency ratio above 0,10, which blocks and their ratios; else None."""
    if profile.weighting.get("mode") != "ahp":
        return None
    try:
        result = mv.compute_weights("ahp", list(profile.enabled), profile.weighting, page.inputs)
    except scoring.ScoringError:
        return None
    found = ahp.inconsistent_blocks(result)
    if not found:
        return None
    names = {ahp.GROUPS_BLOCK: "groupes de critères", ahp.FLAT: "toutes les paires", **GROUP_LABELS}
    return "; ".join(f"{names.get(block, block)} : CR = {fr_number(cr, 3)}" for block, cr in found.items())


def _confirmed(inconsistency: str) -> bool:
    """The confirmation asked before an inconsistent « profil du jury » is saved: True once given."""
    st.warning(md_format("Les comparaisons AHP de ce profil sont incohérentes (ratio de cohérence au-delà de "
                         "0,10 — {}). L'enregistrer quand même comme « profil du jury » ? Le journal gardera "
                         "que vous l'avez confirmé.", inconsistency))
    buttons = st.container(horizontal=True)
    if buttons.button("Confirmer l'enregistrement", key="pond_confirm_jury", type="primary"):
        return True
    if buttons.button("Annuler", key="pond_cancel_jury"):
        st.session_state.pop(CONFIRM, None)
        st.rerun()
    return False


def _profile_named(inputs: DecisionInputs, saved: pd.DataFrame, name: str) -> WeightProfile:
    if name == EQUAL_WEIGHTS:
        return decision.default_profile(inputs)
    stored = dict(zip(saved["name"], saved["profile"], strict=True))
    return WeightProfile.from_dict(stored[name])


def _render_load(page: MeetingPage, saved: pd.DataFrame, choices: list[str]) -> None:
    """The saved profiles, and loading one into the editor."""
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
        profile = _profile_named(page.inputs, saved, str(chosen))
        if page.edits_official:
            if not meeting.write_official(_official_write(page, profile, f"profil « {chosen} » chargé")):
                return
            st.session_state["pond_flash"] = f"Profil « {chosen} » adopté comme version officielle de la séance."
        else:
            meeting.set_current_profile(page.inputs.call_id, profile)
            if page.official is not None:
                meeting.set_trial(page.inputs.call_id, True)
            st.session_state["pond_flash"] = (f"Profil « {chosen} » chargé dans l'éditeur"
                                              + (" de votre essai personnel." if page.official is not None else "."))
        st.rerun()


def _render_compare(page: MeetingPage, profile: WeightProfile, current: scoring.RankResult | None,
                    saved: pd.DataFrame, choices: list[str]) -> None:
    """The current profile against another: rank correlation, common top N, weights side by side."""
    other_name = str(st.selectbox("Comparer le profil courant avec", choices, key="pond_compare_with"))
    if current is None:
        return
    inputs = page.inputs
    ranked = len(current.ranks)
    top_n = st.number_input("Taille du haut de classement comparé (N)", min_value=1, max_value=ranked,
                            value=min(10, ranked), key="pond_compare_n")
    other = _profile_named(inputs, saved, other_name)
    try:
        other_result = meeting.ranking(inputs, other)
    except scoring.ScoringError as error:
        st.error(md_format("Le profil « {} » ne permet pas de classer l'appel : {}", other_name, error))
        return
    comparison = mv.compare_profiles(inputs, profile, other, current, other_result, int(top_n),
                                     names=("Profil courant", other_name))
    metrics = st.columns(2)
    metrics[0].metric("Corrélation des rangs (Spearman)", fr_number(comparison.spearman, 2))
    metrics[1].metric(f"Dossiers communs aux {fr_number(comparison.top_n)} premiers",
                      f"{fr_number(comparison.overlap)} / {fr_number(comparison.top_n)}")
    if comparison.only_first or comparison.only_second:
        st.caption(md_format("Seulement dans les {} premiers du profil courant : {} · seulement dans ceux de "
                             "« {} » : {}", fr_number(comparison.top_n), ", ".join(comparison.only_first) or "–",
                             other_name, ", ".join(comparison.only_second) or "–"))
    st.dataframe(comparison.weights, hide_index=True, key="pond_compare_table", width="stretch")


def _render_profiles(page: MeetingPage, profile: WeightProfile, current: scoring.RankResult | None) -> None:
    """Save, load, compare: only the open tab is drawn (the comparison ranks the call a second time)."""
    st.subheader("Profils enregistrés")
    save_tab, load_tab, compare_tab = st.tabs(["Enregistrer", "Charger", "Comparer"], key=PROFILES_TAB,
                                              on_change="rerun")
    if save_tab.open:
        with save_tab:
            _render_save(page, profile)
        return
    saved = page.store.weight_profiles(page.actor, page.inputs.call_id)
    choices = [str(n) for n in saved["name"]] + [EQUAL_WEIGHTS]
    if load_tab.open:
        with load_tab:
            _render_load(page, saved, choices)
    if compare_tab.open:
        with compare_tab:
            _render_compare(page, profile, current, saved, choices)


def main() -> None:
    page = meeting.open_meeting_page("Pondération")
    inputs = page.inputs
    labels = Labels(full=mv.criterion_labels(inputs), short=mv.criterion_labels(inputs, limit=45))
    _sync_editor(inputs, page.profile)
    flash = st.session_state.pop("pond_flash", None)
    if flash:
        st.success(md(flash))
    st.caption(md_format("{} — {} dossiers classés. Chaque changement est repris immédiatement par le classement, "
                         "la comparaison et la liste restreinte.", page.call.label,
                         fr_number(len(inputs.eligible_ids))))
    if page.shows_official and not page.edits_official:
        profile = page.profile
        _render_official_profile(page)
    else:
        profile = _change_profile(page, _edited_profile(page, labels))
    _render_weights(inputs, profile, labels)
    if page.shows_official:
        _render_versions(page)
    try:
        current: scoring.RankResult | None = meeting.ranking(inputs, profile)
    except scoring.ScoringError as error:
        current = None
        st.error(md_format("Ce profil ne permet pas de classer l'appel : {}", error))
    _render_profiles(page, profile, current)


main()
