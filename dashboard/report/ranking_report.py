"""The ranking report (PDF) handed over with the shortlist: what a Cnam director reads on paper.

``build_ranking_report(...) -> bytes`` draws, from what the workbook is built from
(`services.meeting.ExportRequest`, passed field by field):

1. a cover: the call, the date, whether the settings are the séance's official ones or a
   personal trial (`nature`), the profile and the method;
   and the list's key figures (régions, outre-mer, Territoires d'industrie);
2. the shortlist, best first, on pages of its own: at most two for 55 dossiers;
3. the constraints, the swaps against the plain top N and the score they cost, the forcings;
4. the decisions recorded, with the votes' tallies;
5. the weights, and the contribution of each criterion to the first dossiers' scores;
6. the full ranking, then the dossiers out of it;
7. the manifest: the two hashes (`jury audit --verify --head`), who made it and when.

An anonymised report names no juror (the decisions' and forcings' authors are left out).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pandas as pd

import dashboard
import scoring
from dashboard.core import decision, views
from dashboard.core.charts import OTHERS, distinct_colours, grouped_contributions
from dashboard.core.decision import DecisionInputs, WeightProfile
from dashboard.core.formatting import fr_date, fr_datetime, fr_number, is_missing
from dashboard.report import pdf_sections as sections
from dashboard.report.pdf import Column, PdfDocument
from scoring.shortlist import ShortlistResult

__all__ = ["CHART_DOSSIERS", "CONSTRAINTS_HEADING", "SHORTLIST_HEADING", "build_ranking_report"]

# How many dossiers the contribution chart shows (the first of the ranking).
CHART_DOSSIERS = 25
# The shortlist has pages of its own, from its heading to the next one (tests count them).
SHORTLIST_HEADING = "Liste restreinte ({} dossiers)"
CONSTRAINTS_HEADING = "Contraintes, échanges et score cédé"


def _ranking_rows(inputs: DecisionInputs, ranking: scoring.RankResult, shortlist: ShortlistResult) -> list[list[str]]:
    """Every ranked dossier in the order /classement shows (`decision.ranking_table`): rank, name,
    region, score, eligibility, in the list or not."""
    selected = set(shortlist.selected)
    decimals = views.score_decimals(ranking.method)
    return [[fr_number(row["rank"]), str(row["display_name"]), str(row["region"]), fr_number(row["score"], decimals),
             str(row["status"]), "oui" if dossier in selected else "non"]
            for dossier, row in decision.ranking_table(inputs, ranking).iterrows()]


def _ineligible_rows(inputs: DecisionInputs) -> list[list[str]]:
    """The dossiers out of the ranking and why (`views.ineligible_table`, as /classement shows them)."""
    table = views.ineligible_table(inputs)
    return [[str(name), str(reason)] for name, reason in zip(table["Dossier"], table[views.INELIGIBLE_REASON],
                                                             strict=True)]


def _cover(doc: PdfDocument, call: Mapping[str, Any], profile: WeightProfile, profile_name: str, nature: str,
           shortlist: ShortlistResult, user: str, anonymise: bool, generated_at: datetime) -> None:
    results_on = call.get("results_on")
    doc.title_block("Classement et liste restreinte",
                    [f"Appel {call['id']} — {call['label']}",
                     f"Document établi le {fr_datetime(generated_at)}"
                     + ("" if is_missing(results_on) else f" ; résultats de l'appel : {fr_date(results_on)}")])
    doc.facts([
        ("Nature", nature),
        ("Profil de pondération", profile_name),
        ("Méthode", sections.method_line(profile)),
        ("Liste restreinte", f"{fr_number(shortlist.size)} dossiers"),
        ("Établi par", "(masqué : rapport anonymisé)" if anonymise else user),
    ])


def _contributions(doc: PdfDocument, inputs: DecisionInputs, ranking: scoring.RankResult) -> None:
    order = ranking.ranks.sort_values(kind="stable")
    ids = [str(i) for i in order.index[:CHART_DOSSIERS]]
    if not ids:
        return
    frame, caption = views.contribution_frame(ranking, ids)
    labels = views.criterion_labels(inputs, limit=36)
    names = inputs.display_names
    rows = [f"{fr_number(ranking.ranks[i])}. {views.short_text(names.get(i, i), 34)}" for i in ids]
    doc.paragraph(f"Les {fr_number(len(ids))} premiers du classement. {caption}", size=8.5)
    grouped = grouped_contributions(frame[[c for c in frame.columns if c in labels]])
    doc.stacked_bars(rows, grouped, distinct_colours(list(grouped.columns)), {**labels, OTHERS: "Autres critères"},
                     "Q : S = somme des segments" if ranking.method == "vikor" else "Contribution au score")


def build_ranking_report(*, call: Mapping[str, Any], inputs: DecisionInputs, profile: WeightProfile,
                         profile_name: str, ranking: scoring.RankResult, shortlist: ShortlistResult,
                         forcings: pd.DataFrame, decisions: pd.DataFrame, content_hash: str,
                         journal_head: str | None, user: str, nature: str, anonymise: bool,
                         generated_at: datetime) -> bytes:
    """The ranking report as PDF bytes (see the module docstring); `shortlist` must be feasible."""
    doc = PdfDocument(title=f"Classement et liste restreinte — {call['id']}",
                      running_title=f"Classement et liste restreinte — {call['id']} — {fr_datetime(generated_at)}",
                      generated_at=generated_at)
    _cover(doc, call, profile, profile_name, nature, shortlist, user, anonymise, generated_at)
    doc.heading("Chiffres clés de la liste")
    doc.facts(sections.key_figures(inputs, shortlist))
    sections.regions_table(doc, inputs, shortlist)
    doc.heading(SHORTLIST_HEADING.format(fr_number(shortlist.size)), new_page=True)
    sections.shortlist_section(doc, inputs, ranking, shortlist, sections.decided(decisions))
    doc.heading(CONSTRAINTS_HEADING, new_page=True)
    sections.constraints_section(doc, inputs, shortlist)
    sections.swaps_section(doc, inputs, ranking, shortlist)
    doc.subheading("Dossiers forcés")
    sections.forcings_section(doc, inputs, forcings, anonymise=anonymise)
    doc.heading("Décisions enregistrées")
    sections.decisions_section(doc, inputs, decisions, anonymise=anonymise)
    doc.heading("Pondération")
    doc.paragraph(f"Profil « {profile_name} » — {sections.method_line(profile)}.")
    sections.weights_section(doc, inputs, ranking)
    doc.heading("Contribution de chaque critère au score")
    _contributions(doc, inputs, ranking)
    doc.heading(f"Classement complet ({fr_number(len(ranking.scores))} dossiers classés)", new_page=True)
    doc.data_table([Column("Rang", 0.8, "R"), Column("Dossier (dép.)", 4.5), Column("Région", 3.8),
                    Column(views.score_label(ranking.method), 1.4, "R"), Column("Éligibilité", 2.4),
                    Column("Liste", 0.8, "C")], _ranking_rows(inputs, ranking, shortlist), size=7.5)
    doc.subheading("Dossiers non éligibles (hors classement)")
    doc.data_table([Column("Dossier (dép.)", 4), Column("Condition non remplie", 6)], _ineligible_rows(inputs),
                   size=7.5, empty="Tous les dossiers de l'appel sont éligibles.")
    doc.heading("Manifeste")
    sections.hashes_section(doc, content_hash, journal_head, [
        ("Document établi le", fr_datetime(generated_at)),
        ("Version de l'application", dashboard.__version__),
        ("Nature", nature),
        ("Reproduire", "Le classeur Excel du même export (« Manifeste ») donne la spécification complète et la "
                       "commande « python -m scoring rank » qui redonne ce classement."),
    ])
    return doc.to_bytes()
