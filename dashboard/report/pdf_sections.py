"""The sections the procès-verbal and the ranking report share, drawn on a `PdfDocument`:
the weights, the shortlist with its key figures, the swaps and the score given up, the
constraints, the decisions and the two hashes that let anyone check the document
against the database (`jury audit --verify --head`).

The tables come from `dashboard.core.shortlist`, the ones the pages show, so that the
paper says what the screen said.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

import scoring
from dashboard.core import shortlist as shortlist_logic
from dashboard.core.decision import DecisionInputs, WeightProfile
from dashboard.core.formatting import fr_number, fr_percent, is_missing
from dashboard.core.labels import METHOD_LABELS, WEIGHTING_LABELS
from dashboard.report.pdf import Column, PdfDocument
from scoring.shortlist import ShortlistResult

HASH_LINE = "Empreinte du contenu de la base (SHA-256)"
HEAD_LINE = "Empreinte de tête du journal"


def method_line(profile: WeightProfile) -> str:
    """« TOPSIS ; pondération : AHP (comparaisons par paires) »."""
    mode = profile.weighting.get("mode", "equal")
    method = METHOD_LABELS.get(profile.method, profile.method)
    if profile.method == "vikor":
        method += f" (v = {fr_number(profile.v, 2)})"
    return f"{method} ; pondération : {WEIGHTING_LABELS.get(mode, mode)}"


def weights_section(doc: PdfDocument, inputs: DecisionInputs, ranking: scoring.RankResult) -> None:
    """The criteria the ranking used, heaviest first, with their normalised weight."""
    weights = ranking.weights.sort_values(ascending=False)
    labels = inputs.criteria["label"]
    rows = [[str(c), str(labels.get(c, c)), fr_percent(float(w), 1)] for c, w in weights.items()]
    doc.data_table([Column("Critère", 1.2), Column("Libellé", 8), Column("Poids", 1.3, "R")], rows, size=8)


def _yes(value: object) -> bool:
    return not is_missing(value) and bool(value)


def key_figures(inputs: DecisionInputs, shortlist: ShortlistResult) -> list[tuple[str, str]]:
    """What the direction reads first: how many, which regions, overseas, Territoires d'industrie."""
    selected = inputs.attributes.reindex(list(shortlist.selected))
    count = len(selected)
    regions = selected["region"].dropna().astype(str)
    eligible_regions = shortlist_logic.regions_with_eligible(inputs)
    overseas = int(sum(_yes(v) for v in selected["overseas"]))
    ti = int(sum(_yes(v) for v in selected["ti"]))
    acv = int(sum(_yes(v) for v in selected["acv"]))

    def share(n: int) -> str:
        return fr_percent(n / count) if count else "–"

    return [
        ("Dossiers retenus dans la liste", fr_number(count)),
        ("Régions représentées", f"{fr_number(regions.nunique())} sur {fr_number(len(eligible_regions))} "
                                 "ayant un dossier éligible"),
        ("Outre-mer", f"{fr_number(overseas)} dossier(s)"),
        ("Territoires d'industrie", f"{fr_number(ti)} dossier(s), soit {share(ti)}"),
        ("Action cœur de ville", f"{fr_number(acv)} dossier(s), soit {share(acv)}"),
    ]


def regions_table(doc: PdfDocument, inputs: DecisionInputs, shortlist: ShortlistResult) -> None:
    """How many dossiers of the list each region has, two regions to a row."""
    counts = inputs.attributes.reindex(list(shortlist.selected))["region"].fillna("–").astype(str).value_counts()
    pairs = sorted(((str(region), int(n)) for region, n in counts.items()), key=lambda item: (-item[1], item[0]))
    half = (len(pairs) + 1) // 2
    rows = []
    for i in range(half):
        right = [pairs[half + i][0], fr_number(pairs[half + i][1])] if half + i < len(pairs) else ["", ""]
        rows.append([pairs[i][0], fr_number(pairs[i][1]), *right])
    doc.data_table([Column("Région", 4), Column("Dossiers", 1, "R"), Column("Région", 4), Column("Dossiers", 1, "R")],
                   rows, size=8)


def decided(decisions: pd.DataFrame) -> dict[str, str]:
    """dossier id → its decision, from `Store.decisions` (the shortlist's « Décision » column)."""
    if decisions.empty:
        return {}
    return {str(d): str(v) for d, v in zip(decisions["dossier_id"], decisions["decision"], strict=True)}


def shortlist_rows(inputs: DecisionInputs, ranking: scoring.RankResult, shortlist: ShortlistResult,
                   decisions: Mapping[str, str]) -> list[list[str]]:
    """One row per selected dossier, best first: rank, name, region, score, outre-mer, TI and the
    decision recorded on it (who entered by a swap is the swaps' table)."""
    table = shortlist_logic.selection_table(inputs, ranking, shortlist)
    return [[fr_number(row["Rang"]), str(row["Dossier"]), str(row["Région"]), str(row["Score"]),
             str(row["Outre-mer"]), str(row["TI"]), decisions.get(str(dossier), "–")]
            for dossier, row in table.iterrows()]


# The widths let 55 dossiers hold on two pages (a name wraps on two lines at most).
SHORTLIST_COLUMNS = (Column("Rang", 0.8, "R"), Column("Dossier (dép.)", 7), Column("Région", 3.3),
                     Column("Score", 1, "R"), Column("Outre-mer", 1.5, "C"), Column("TI", 0.8, "C"),
                     Column("Décision", 2.2))


def shortlist_section(doc: PdfDocument, inputs: DecisionInputs, ranking: scoring.RankResult,
                      shortlist: ShortlistResult, decisions: Mapping[str, str]) -> None:
    """The selection, best first, one line per dossier, with the decision on it (dossier id → decision)."""
    doc.data_table(SHORTLIST_COLUMNS, shortlist_rows(inputs, ranking, shortlist, decisions), size=7,
                   empty="La liste restreinte est vide.")


def swaps_section(doc: PdfDocument, inputs: DecisionInputs, ranking: scoring.RankResult,
                  shortlist: ShortlistResult) -> None:
    """Who entered in place of whom and why, then the score the constraints cost."""
    swaps = shortlist_logic.swaps_table(inputs, ranking, shortlist)
    if swaps.empty:
        doc.paragraph(f"Aucun échange : la liste est celle des {fr_number(shortlist.size)} premiers du classement.")
    else:
        doc.paragraph("Chaque échange fait entrer un dossier classé plus loin à la place d'un des "
                      f"{fr_number(shortlist.size)} premiers, pour tenir la contrainte indiquée.")
        doc.data_table([Column("Entre", 3), Column("Rang", 0.8, "R"), Column("Sort", 3), Column("Rang", 0.8, "R"),
                        Column("Contrainte en cause", 5)],
                       [[str(v) for v in row] for row in swaps.itertuples(index=False)], size=7.5)
    doc.paragraph(f"Score cédé par rapport aux {fr_number(shortlist.size)} premiers : "
                  f"{fr_number(shortlist.objective_lost or 0.0, 3)} (score total de la liste : "
                  f"{fr_number(shortlist.objective, 3)} ; des {fr_number(shortlist.size)} premiers : "
                  f"{fr_number(shortlist.top_n_objective, 3)}).")


def constraints_section(doc: PdfDocument, inputs: DecisionInputs, shortlist: ShortlistResult) -> None:
    """Every constraint with what the list reaches, its margin and what it costs."""
    table = shortlist_logic.constraints_table(inputs, shortlist)
    doc.data_table([Column("Contrainte", 6), Column("Atteint", 1, "R"), Column("Marge", 1, "R"),
                    Column("Saturée", 1, "C"), Column("Score cédé", 1.2, "R"), Column("Contraignante", 1.4, "C")],
                   [[str(v) for v in row] for row in table.itertuples(index=False)], size=7.5,
                   empty="Aucune contrainte de composition : la liste est celle des N premiers.")


def forcings_section(doc: PdfDocument, inputs: DecisionInputs, forcings: pd.DataFrame, *, anonymise: bool) -> None:
    """The dossiers the president imposed or set aside, with the justification."""
    table = shortlist_logic.forcings_table(inputs, forcings)
    columns = [Column("Dossier", 3), Column("Forçage", 1), Column("Justification", 5)]
    names = ["Dossier", "Forçage", "Justification"]
    if not anonymise:
        columns += [Column("Par", 1.8), Column("Le", 1.6)]
        names += ["Par", "Le"]
    doc.data_table(columns, [[str(v) for v in row] for row in table[names].itertuples(index=False)], size=7.5,
                   empty="Aucun dossier forcé.")


def decisions_section(doc: PdfDocument, inputs: DecisionInputs, decisions: pd.DataFrame, *,
                      anonymise: bool) -> None:
    """The decisions in force: dossier, decision, the vote's tally, motivation (and who, when)."""
    table = shortlist_logic.decisions_table(inputs, decisions)
    names = ["Dossier", "Décision", "Vote", "Motivation", "Écart au vote"]
    columns = [Column("Dossier", 2.6), Column("Décision", 1.8), Column("Vote", 2.6), Column("Motivation", 4),
               Column("Écart au vote", 2)]
    if "Vote" not in table:
        table = table.assign(**{"Vote": "–", "Écart au vote": ""})
    if not anonymise:
        columns.append(Column("Le", 1.5))
        names.append("Le")
    doc.data_table(columns, [[str(v) for v in row] for row in table[names].itertuples(index=False)], size=7,
                   empty="Aucune décision enregistrée pour cet appel.")


def hashes_section(doc: PdfDocument, content_hash: str, journal_head: str | None,
                   extra: Sequence[tuple[str, str]] = ()) -> None:
    """The two hashes, and how to check them."""
    doc.facts([*extra, (HASH_LINE, content_hash), (HEAD_LINE, journal_head or "(journal vide)")], label_width=58,
              size=8)
    doc.paragraph("Vérification : « jury audit --verify --head <empreinte de tête> » confirme que cette empreinte "
                  "figure dans le journal des modifications de la base et que le journal est intact.",
                  size=8, muted=True)
