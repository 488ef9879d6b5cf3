"""The shortlist workbook (.xlsx) handed to the Cnam direction after the meeting.

Public API
----------

``build_workbook(*, call, inputs, profile, profile_name, result, shortlist,
constraints, forcings, ratings, decisions, content_hash, user,
journal_head=None, aggregation=None, anonymise=False, generated_at=None) -> bytes``
    The workbook as bytes (what the /liste-restreinte download button serves).

    * ``call``: ``{"id": "AMI1", "label": "AMI 1 — 2019", "results_on": date | None}``
      (``call_id`` is accepted for ``id``);
    * ``inputs``: the call's `DecisionInputs` (`decision.build_inputs`);
    * ``profile`` / ``profile_name``: the weight profile the ranking used and
      its name (« profil du jury », « poids égaux »…);
    * ``result``: `decision.rank_call(inputs, profile)`;
    * ``shortlist``: the engine's `ShortlistResult` (feasible or not) and
      ``constraints`` the engine constraints dict it was solved with
      (`dashboard.core.shortlist.solve_shortlist` / `build_shortlist`);
    * ``forcings``: `Store.forcings(actor, call)`; ``ratings``:
      `Store.ratings(actor, call)` (every juror's rating, with ``counts``;
      None when the user may not read them); ``decisions``:
      `Store.decisions(actor, call)` (the current ones); ``decision_history``:
      `Store.decision_history(actor, call)` (every decision ever recorded);
    * ``content_hash``: `Store.content_hash()`; ``user``: who exports;
    * ``journal_head``: `Store.journal_head()`, the seal of the journal's last entry, written
      beside the content hash so that `jury audit --verify --head` can check it later;
    * ``aggregation``: how the jury criteria were aggregated (default: mean);
    * ``anonymise``: jurors become J1…Jn, numbered at random for this export
      (`dashboard.core.privacy`), rows in the order of the pseudonyms; their
      names, logins, organisations and the authors of decisions and forcings
      are left out, and the recusal motives are replaced by « motif non
      communiqué » unless ``keep_motives``;
    * ``register``: `analysis.conflict_register(...)` for the call (None when
      the user may not read it).

The file's name is not chosen here: `dashboard.services.meeting.export_file_name`
follows the product's one grammar (`dashboard.core.filenames`).

Sheets
------

« Liste restreinte » (the selection, best first), « Décisions » (every
decision recorded for the call, on any dossier, with the vote's tally, the
motivation, the author, the date and the séance), « Classement » (every
eligible dossier ranked, with the jury's decision beside the historical
one), « Non éligibles » (the dossiers outside the ranking and the gate they
fail), « Pondérations », « Notes du jury », « Conflits d'intérêts » (the
register: each juror's declaration and recusals), « Contraintes »,
« Manifeste » (what the export is, the method, weights and constraints in
French sentences, the fingerprints, and how to reproduce the ranking, the
spec JSON in one cell), « Matrice » (column ``id`` then the values of the
criteria the ranking used, their ids as headers, nothing else: saved as CSV,
it is the ``--matrix`` of ``python -m scoring rank``).

Headers are French for people (« Identifiant »); only « Matrice » keeps the
engine's ids, since it is the engine's input.

Formatting: bold filled header, frozen header row, autofilter, fitted
column widths (long texts wrapped, their rows as tall as the text), print
settings on every sheet (`dashboard.report.xlsx.set_print_layout`: one page
wide, header repeated, « Manifeste » on one page), number formats (`#,##0`, `0.000`, `0.0%`, `dd/mm/yyyy`;
the French display comes from the reader's locale), a colour scale on
score columns. Every text is written as a string cell, so a value typed
as ``=1+1`` stays the text ``=1+1``.

Speed: the bulk rows of the tabular sheets are written as sheet XML and
spliced into the openpyxl-saved package by the writer engine
(`dashboard.report.xlsx`).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeAlias, cast

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

import dashboard
import scoring
from dashboard.core import ahp, decision, views
from dashboard.core.decision import AggregationSettings, DecisionInputs, WeightProfile
from dashboard.core.formatting import fr_count, fr_datetime, fr_number, is_missing
from dashboard.core.labels import (
    AGGREGATION_LABELS,
    CONSTRAINT_TYPE_LABELS,
    DIRECTION_LABELS,
    FORCING_LABELS,
    GROUP_LABELS,
    METHOD_LABELS,
    MISSING_LABELS,
    PREFERENCE_LABELS,
    WEIGHTING_LABELS,
)
from dashboard.core.privacy import HIDDEN_MOTIVE, pseudonym_order, random_pseudonyms
from dashboard.core.shortlist import describe_constraints
from dashboard.core.votes import DECISIONS, TALLY_COLUMNS, Tally
from dashboard.report.xlsx import (
    FORMAT_DATE,
    FORMAT_DATETIME,
    FORMAT_DECIMAL,
    FORMAT_INT,
    FORMAT_PERCENT,
    FORMAT_RANK,
    FORMAT_SCORE,
    LEFT_WRAP,
    TITLE_FONT,
    Column,
    PrintHeader,
    Splice,
    Table,
    fit_columns,
    fit_row_heights,
    header_row,
    put,
    set_print_layout,
    write_table,
)
from scoring.errors import ScoringError
from scoring.shortlist import ShortlistResult

__all__ = ["SHEETS", "build_workbook"]

SHEET_SHORTLIST = "Liste restreinte"
SHEET_DECISIONS = "Décisions"
SHEET_RANKING = "Classement"
SHEET_INELIGIBLE = "Non éligibles"
SHEET_WEIGHTS = "Pondérations"
SHEET_RATINGS = "Notes du jury"
SHEET_REGISTER = "Conflits d'intérêts"
SHEET_CONSTRAINTS = "Contraintes"
SHEET_MANIFEST = "Manifeste"
SHEET_MATRIX = "Matrice"
SHEETS = (SHEET_SHORTLIST, SHEET_DECISIONS, SHEET_RANKING, SHEET_INELIGIBLE, SHEET_WEIGHTS, SHEET_RATINGS,
          SHEET_REGISTER, SHEET_CONSTRAINTS, SHEET_MANIFEST, SHEET_MATRIX)
# The cell note of the « Juré » column of an anonymised export.
PSEUDONYM_NOTE = "Export anonymisé : jurés numérotés J1…Jn au hasard pour ce seul export"

# The width of the « Nom (dép.) » columns, the longest names wrapped over two lines.
NAME_WIDTH = 45
# The label of the cell that says whether the export is official or personal.
NATURE_LABEL = "Nature de l'export"
# The label of the spec cell in « Manifeste » (tests and readers look for it).
SPEC_LABEL = "Spécification (fichier --spec, JSON)"
CONSTRAINTS_LABEL = "Contraintes (fichier --constraints, JSON)"
AHP_SPEC_LABEL = "Spécification AHP (fichier --ahp, JSON)"
HASH_LABEL = "Empreinte du contenu de la base (SHA-256)"
HEAD_LABEL = "Empreinte de tête du journal"

# A « label : value » line of a sheet: label, value, number format of the value.
_Line: TypeAlias = "tuple[str, Any, str | None]"


# --------------------------------------------------------------------------- small helpers


def _shown(labels: Mapping[str, str], code: Any) -> Any:
    """The French label of a code, else the code itself."""
    return labels.get(code, code)


def _yes_no(value: Any) -> str:
    return "non" if is_missing(value) or not bool(value) else "oui"


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, (date, datetime, pd.Timestamp)):
        return value.isoformat()
    return str(value)


def _day(value: Any) -> date | None:
    return None if is_missing(value) else pd.Timestamp(value).date()


def _timestamp(value: Any) -> datetime | None:
    if is_missing(value):
        return None
    return pd.Timestamp(value).to_pydatetime().replace(tzinfo=None)


# --------------------------------------------------------------------------- sheet contents


@dataclass(frozen=True)
class _Context:
    call_id: str
    call_label: str
    results_on: date | None
    inputs: DecisionInputs
    profile: WeightProfile
    profile_name: str
    result: scoring.RankResult
    spec: dict[str, Any]
    shortlist: ShortlistResult | None
    constraints: dict[str, Any]
    forcings: pd.DataFrame
    ratings: pd.DataFrame | None
    decisions: pd.DataFrame
    decision_history: pd.DataFrame
    content_hash: str
    user: str
    aggregation: AggregationSettings
    anonymise: bool
    generated_at: datetime
    nature: str
    keep_motives: bool = False
    journal_head: str | None = None
    register: pd.DataFrame | None = None
    pseudonyms: dict[str, str] = field(default_factory=dict)

    @property
    def names(self) -> pd.Series:
        return self.inputs.attributes["display_name"]

    def name(self, dossier: Any) -> str:
        value = self.names.get(dossier)
        return str(dossier) if is_missing(value) else str(value)

    def named(self, text: str) -> str:
        """Dossier ids in an engine message followed by the town: « AMI1-012 (Vire Normandie (14)) »."""
        ids = [i for i in self.names.index.astype(str) if i in text]
        for dossier in sorted(ids, key=len, reverse=True):
            text = re.sub(rf"(?<![\w-]){re.escape(dossier)}(?![\w-])", f"{dossier} ({self.name(dossier)})", text)
        return text

    @property
    def score_header(self) -> str:
        return "Score" if self.result.higher_is_better else "Score (Q, plus bas = meilleur)"


def _criterion_note(ctx: _Context, criterion: str) -> str:
    row = ctx.inputs.criteria.loc[criterion]
    unit = "" if is_missing(row.get("unit")) else f" ({row['unit']})"
    origin = ("valeur agrégée des notes du jury" if row.get("criterion_group") == "jury" else "valeur brute")
    return f"{criterion} — {row['label']}{unit}, {_shown(DIRECTION_LABELS, row['direction'])} ; {origin}"


def _imputed_by_dossier(ctx: _Context) -> dict[Any, str]:
    out: dict[Any, list[str]] = {}
    for cell in ctx.result.details.get("imputed", []) or []:
        out.setdefault(cell["id"], []).append(f"{cell['criterion']} = {fr_number(cell['value'], 3)}")
    policy = MISSING_LABELS.get(ctx.profile.missing, ctx.profile.missing)
    return {k: f"{' ; '.join(v)} ({policy})" for k, v in out.items()}


# The method's own intermediate results, shown beside the score: engine key, French header.
_METHOD_DETAILS: dict[str, tuple[tuple[str, str], ...]] = {
    "topsis": (("d_plus", "Distance à l'idéal (d+)"), ("d_minus", "Distance à l'anti-idéal (d−)")),
    "vikor": (("S", "Utilité de groupe (S)"), ("R", "Regret individuel (R)")),
    "promethee2": (("phi_plus", "Flux sortant (φ+)"), ("phi_minus", "Flux entrant (φ−)")),
}


def _ranked_ids(ctx: _Context) -> pd.Index:
    """The ranked dossiers, best first (ties by id)."""
    ranks = ctx.result.ranks
    order = pd.DataFrame({"rank": ranks, "id": ranks.index.astype(str)})
    return order.sort_values(["rank", "id"], kind="stable").index


def _ranking_table(ctx: _Context) -> Table:
    result, inputs = ctx.result, ctx.inputs
    ids = _ranked_ids(ctx)
    attributes = inputs.attributes.reindex(ids)
    selected = set(ctx.shortlist.selected) if ctx.shortlist is not None and ctx.shortlist.feasible else set()
    imputed = _imputed_by_dossier(ctx)
    decided = _by_dossier(ctx.decisions, "decision", "rationale")
    columns = [
        Column("Rang", result.ranks.reindex(ids).tolist(), "number", FORMAT_RANK),
        Column("Identifiant", [str(i) for i in ids]),
        Column("Nom (dép.)", attributes["display_name"].tolist(), wrap=NAME_WIDTH),
        Column("Région", attributes["region"].tolist()),
        Column(ctx.score_header, result.scores.reindex(ids).tolist(), "number", FORMAT_SCORE, score=True,
               note=f"{METHOD_LABELS.get(result.method, result.method)} ; profil « {ctx.profile_name} »"),
        Column("Éligibilité", inputs.eligibility["status"].reindex(ids).tolist()),
        Column("Motif de dérogation", inputs.eligibility["reason"].reindex(ids).fillna("").tolist(), wrap=30),
        Column("Liste restreinte", ["oui" if i in selected else "non" for i in ids]),
        Column("Outre-mer", [_yes_no(v) for v in attributes["overseas"]]),
        Column("TI", [_yes_no(v) for v in attributes["ti"]], note="Territoires d'industrie"),
        Column("ACV", [_yes_no(v) for v in attributes["acv"]], note="Action cœur de ville"),
        Column("Décision du jury", [decided.get(str(i), ("", ""))[0] for i in ids], wrap=20,
               note=f"Décision en vigueur ; toutes les décisions, motivées, dans la feuille « {SHEET_DECISIONS} »"),
        Column("Décision historique", attributes["historical_decision"].tolist(),
               note="Décision réelle du jury de l'appel (données publiques du programme)"),
        Column("Valeurs complétées", [imputed.get(i, "") for i in ids], wrap=40,
               note="Cellules vides de la matrice que le moteur a complétées (politique des valeurs manquantes)"),
    ]
    for name, header in _METHOD_DETAILS.get(result.method, ()):
        series = result.details.get(name)
        if isinstance(series, pd.Series):
            columns.append(Column(header, series.reindex(ids).tolist(), "number", FORMAT_SCORE))
    return Table(columns, freeze="C2", reverse_scale=not result.higher_is_better)


def _matrix_table(ctx: _Context) -> Table:
    """« Matrice »: column ``id`` then the values of the criteria the ranking used, nothing else;
    saved as CSV it is the ``--matrix`` of ``python -m scoring rank``."""
    ids = _ranked_ids(ctx)
    matrix = ctx.inputs.matrix.reindex(index=ids)
    columns = [Column("id", [str(i) for i in ids],
                      note="Identifiant du dossier. Enregistrée en CSV, cette feuille est la matrice (--matrix) "
                           "de « python -m scoring rank » : voir « Reproduire le classement » dans le Manifeste.")]
    for criterion in [c["id"] for c in ctx.spec["criteria"]]:
        columns.append(Column(criterion, matrix[criterion].tolist(), "number", "General",
                              note=_criterion_note(ctx, criterion)))
    return Table(columns, freeze="B2")


def _by_dossier(frame: pd.DataFrame, kind: str, text: str) -> dict[str, tuple[str, str]]:
    """dossier id → (kind, text) from a store frame (forcings: kind, justification; decisions:
    decision, rationale); a missing text is empty."""
    if frame.empty:
        return {}
    return {str(dossier): (str(value), "" if is_missing(note) else str(note))
            for dossier, value, note in zip(frame["dossier_id"], frame[kind], frame[text], strict=True)}


def _shortlist_table(ctx: _Context) -> Table:
    sl = ctx.shortlist
    ids = list(sl.selected) if sl is not None and sl.feasible else []
    attributes = ctx.inputs.attributes.reindex(ids)
    top = set(sl.top_n) if sl is not None else set()
    swaps_in = {s["in"]: s for s in (sl.swaps if sl is not None else ())}
    forced = _by_dossier(ctx.forcings, "kind", "justification")
    decided = _by_dossier(ctx.decisions, "decision", "rationale")
    entered = []
    for i in ids:
        swap = swaps_in.get(i)
        entered.append("" if swap is None else
                       f"remplace {swap['out']} ({ctx.name(swap['out'])}) : {ctx.named(str(swap['because']))}")
    columns = [
        Column("Rang", ctx.result.ranks.reindex(ids).tolist(), "number", FORMAT_RANK,
             note="Rang dans la feuille « Classement »"),
        Column("Identifiant", [str(i) for i in ids]),
        Column("Nom (dép.)", attributes["display_name"].tolist(), wrap=NAME_WIDTH),
        Column("Région", attributes["region"].tolist()),
        Column(ctx.score_header, ctx.result.scores.reindex(ids).tolist(), "number", FORMAT_SCORE, score=True),
        Column("Outre-mer", [_yes_no(v) for v in attributes["overseas"]]),
        Column("TI", [_yes_no(v) for v in attributes["ti"]], note="Territoires d'industrie"),
        Column("ACV", [_yes_no(v) for v in attributes["acv"]], note="Action cœur de ville"),
        Column("Dans les N premiers", ["oui" if i in top else "non" for i in ids],
             note="Le dossier figure-t-il parmi les N premiers du classement, sans contrainte ?"),
        Column("Entré par échange", entered, wrap=40),
        Column("Forçage", [FORCING_LABELS.get(forced.get(str(i), ("", ""))[0], "") for i in ids]),
        Column("Justification du forçage", [forced.get(str(i), ("", ""))[1] for i in ids], wrap=30),
        Column("Décision", [decided.get(str(i), ("", ""))[0] for i in ids], wrap=20),
        Column("Motivation", [decided.get(str(i), ("", ""))[1] for i in ids], wrap=40),
    ]
    after = []
    if sl is None:
        after.append("Aucune liste restreinte n'a été calculée.")
    elif not sl.feasible:
        after.append(ctx.named(sl.message))
    else:
        after.append(f"{ctx.named(sl.message)} Score cédé par rapport aux {sl.size} premiers : "
                     f"{fr_number(sl.objective_lost or 0.0, 3)}.")
    return Table(columns, freeze="C2", reverse_scale=not ctx.result.higher_is_better, after=after)


def _tally_words(row: Any) -> str:
    """« 5 retenu, 2 non retenu, 1 abstention » for a decision taken on a vote, else empty."""
    counts = [getattr(row, column, None) for column in TALLY_COLUMNS.values()]
    if any(n is None or is_missing(n) for n in counts):
        return ""
    return Tally(tuple(int(cast(int, n)) for n in counts)).count_sentence()


def _seance_words(row: Any) -> str:
    """« n° 2 — Séance de sélection AMI 1 » for a decision taken in a séance, else « hors séance »."""
    if is_missing(row.seance_id):
        return "hors séance"
    title = "" if is_missing(getattr(row, "seance_title", None)) else f" — {row.seance_title}"
    return f"n° {int(row.seance_id)}{title}"


def _decisions_order(ctx: _Context, history: pd.DataFrame) -> pd.DataFrame:
    """The decisions in force first, by decision (retenu, ajourné, non retenu) then rank; the ones
    replaced since after them, oldest first."""
    order = {d: k for k, d in enumerate(DECISIONS)}
    keys = history.assign(_replaced=~history["current"].astype(bool),
                          _decision=history["decision"].map(order).fillna(len(order)),
                          _rank=history["dossier_id"].map(ctx.result.ranks).astype(float).fillna(np.inf))
    return keys.sort_values(["_replaced", "_decision", "_rank", "dossier_id", "decision_no"], kind="stable")


def _decisions_summary(history: pd.DataFrame) -> str:
    """« 3 décisions en vigueur : 2 retenu, 1 non retenu ; 1 décision remplacée depuis. »"""
    current = history[history["current"].astype(bool)]
    counts = ", ".join(f"{fr_number(int((current['decision'] == d).sum()))} {d}" for d in DECISIONS
                       if (current["decision"] == d).any())
    replaced = len(history) - len(current)
    line = f"{fr_count(len(current), 'décision')} en vigueur : {counts}"
    if replaced:
        line += f" ; {fr_count(replaced, 'décision')} remplacée{'s' if replaced > 1 else ''} depuis"
    return line + "."


def _decisions_table(ctx: _Context) -> Table:
    """« Décisions »: every decision recorded for the call, shortlisted dossier or not."""
    history = ctx.decision_history
    if history.empty:
        return Table([Column("Identifiant", []), Column("Nom (dép.)", []), Column("Décision", [])],
                     after=["Aucune décision enregistrée pour cet appel."])
    frame = _decisions_order(ctx, history)
    selected = set(ctx.shortlist.selected) if ctx.shortlist is not None and ctx.shortlist.feasible else set()
    ranked = set(ctx.result.ranks.index)
    rows = list(frame.itertuples())
    columns = [
        Column("Identifiant", [str(r.dossier_id) for r in rows]),
        Column("Nom (dép.)", [ctx.name(r.dossier_id) for r in rows], wrap=NAME_WIDTH),
        Column("Rang", [ctx.result.ranks.get(r.dossier_id) for r in rows], "number", FORMAT_RANK,
               note="Rang dans la feuille « Classement » (vide : dossier non éligible)"),
        Column("Liste restreinte", ["oui" if r.dossier_id in selected else "non" if r.dossier_id in ranked
                                    else "non éligible" for r in rows]),
        Column("Décision", [str(r.decision) for r in rows], wrap=20),
        Column("Motivation", [str(r.rationale) for r in rows], wrap=45),
        Column("Écart au vote", ["" if is_missing(r.departure) else str(r.departure) for r in rows], wrap=30,
               note="Pourquoi la décision s'écarte de la majorité des voix exprimées, quand elle s'en écarte"),
        Column("Vote (décompte)", [_tally_words(r) for r in rows], wrap=28,
               note="Le dernier vote clos de la séance sur le dossier : nombre de voix par choix, jamais qui"),
        Column("Séance", [_seance_words(r) for r in rows], wrap=30),
    ]
    if not ctx.anonymise:
        columns.append(Column("Par", [str(r.decided_by_name) for r in rows]))
    columns += [
        Column("Le", [r.decided_at for r in rows], "datetime", FORMAT_DATETIME),
        Column("État", ["en vigueur" if bool(r.current) else "remplacée" for r in rows],
               note="Une décision remplacée par une décision ultérieure sur le même dossier reste ici"),
    ]
    return Table(columns, freeze="C2", after=[_decisions_summary(history)])


def _ineligible_table(ctx: _Context) -> Table:
    eligibility = ctx.inputs.eligibility
    ids = eligibility.index[eligibility["status"] == decision.INELIGIBLE]
    attributes = ctx.inputs.attributes.reindex(ids)
    columns = [
        Column("Identifiant", [str(i) for i in ids]),
        Column("Nom (dép.)", attributes["display_name"].tolist(), wrap=NAME_WIDTH),
        Column("Région", attributes["region"].tolist()),
        Column("Éligibilité", eligibility.loc[ids, "status"].tolist()),
        Column("Condition non remplie", eligibility.loc[ids, "reason"].tolist()),
        Column("Décision historique", attributes["historical_decision"].tolist()),
    ]
    return Table(columns, after=[] if len(ids) else ["Tous les dossiers de l'appel sont éligibles."])


def _sorted_by_juror(ctx: _Context, frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """`frame` sorted by `keys`, then by juror: by pseudonym (J2 before J10) in an anonymised
    export, so that the order of the rows tells nothing of the hidden ids; else by juror id."""
    if not ctx.anonymise:
        return frame.sort_values([*keys, "juror_id"], kind="stable")
    number = frame["juror_id"].astype(str).map(ctx.pseudonyms).map(pseudonym_order)
    return frame.assign(_pseudonym=number).sort_values([*keys, "_pseudonym"], kind="stable")


def _ratings_table(ctx: _Context) -> Table:
    ratings = ctx.ratings
    if ratings is None:
        return Table([Column("Dossier", []), Column("Critère", []), Column("Juré", []), Column("Note", [], "number")],
                      after=["Les notes individuelles des jurés ne sont pas accessibles à votre rôle."])
    frame = _sorted_by_juror(ctx, ratings, ["dossier_id", "criterion_id"])
    names = ctx.names
    labels = ctx.inputs.criteria["label"] if "label" in ctx.inputs.criteria else pd.Series(dtype=object)
    counts = frame["counts"].astype(bool) if "counts" in frame else pd.Series(True, index=frame.index)
    columns = [
        Column("Dossier", frame["dossier_id"].astype(str).tolist()),
        Column("Nom (dép.)", frame["dossier_id"].map(names).tolist()),
        Column("Critère", frame["criterion_id"].astype(str).tolist()),
        Column("Libellé du critère", frame["criterion_id"].map(labels).tolist()),
    ]
    if ctx.anonymise:
        columns.append(Column("Juré", frame["juror_id"].astype(str).map(ctx.pseudonyms).tolist(),
                            note=PSEUDONYM_NOTE))
    else:
        columns += [
            Column("Juré", frame["juror_id"].astype(str).tolist()),
            Column("Nom du juré", frame["juror_name"].tolist() if "juror_name" in frame else []),
            Column("Organisation", frame["organisation"].tolist() if "organisation" in frame else []),
        ]
    columns += [
        Column("Note", frame["score"].tolist(), "number", FORMAT_RANK, note="Note de 1 à 5"),
        Column("Commentaire", frame["comment"].tolist() if "comment" in frame else [""] * len(frame)),
        Column("Noté le", frame["rated_at"] if "rated_at" in frame else [None] * len(frame),
             "datetime", FORMAT_DATETIME),
        Column("Version", frame["version"].tolist() if "version" in frame else [None] * len(frame),
             "number", FORMAT_RANK),
        Column("Prise en compte", ["oui" if c else "non — récusation postérieure à la note" for c in counts],
             note="Une note ne compte plus quand son juré a été récusé ensuite pour ce dossier"),
    ]
    # keep the columns aligned when the frame lacks an optional column
    for col in columns:
        if len(col.values) != len(frame):
            col.values = [None] * len(frame)
    settings = ctx.aggregation
    after = [f"{len(frame)} notes, dont {int((~counts).sum())} qui ne comptent plus. Agrégation : "
             f"{AGGREGATION_LABELS.get(settings.method, settings.method)}"
             f"{', sévérité corrigée (scores z)' if settings.zscore else ''}."]
    return Table(columns, freeze="C2", after=after)


def _register_table(ctx: _Context) -> Table:
    """The conflict-of-interest register: each juror's declaration and recusals."""
    register = ctx.register
    if register is None:
        return Table([Column("Juré", []), Column("Déclaration", [])],
                      after=["Le registre des conflits d'intérêts n'est pas accessible à votre rôle."])
    if ctx.anonymise:
        register = _sorted_by_juror(ctx, register, [])
        jurors = [Column("Juré", register["juror_id"].astype(str).map(ctx.pseudonyms).tolist(),
                       note=PSEUDONYM_NOTE + ", comme dans « Notes du jury »")]
    else:
        jurors = [Column("Juré", register["juror_id"].astype(str).tolist()),
                  Column("Nom du juré", register["name"].tolist()),
                  Column("Organisation", register["organisation"].tolist())]
    columns = [
        *jurors,
        Column("Déclaration", register["declaration"].tolist()),
        Column("Déclaré le", register["declared_on"].tolist(), "datetime", FORMAT_DATE),
        Column("Récusé·e pour (dossier — motif)", _recusals(ctx, register)),
    ]
    return Table(columns, after=["Un juré récusé ne note pas le dossier et ne voit pas les notes des autres "
                                  "jurés sur ce dossier ; ses notes antérieures ne comptent plus."])


def _recusals(ctx: _Context, register: pd.DataFrame) -> list[str]:
    """Each juror's recusals, « dossier — motif »; an anonymised export hides the motives unless kept."""
    if not ctx.anonymise or ctx.keep_motives:
        return [str(r) for r in register["recused_from"]]
    return ["; ".join(f"{name} — {HIDDEN_MOTIVE}" for name in names) for names in register["recused_names"]]


def _pairwise_frame(weighting: Mapping[str, Any], enabled: Sequence[str]) -> pd.DataFrame | None:
    """The AHP judgements of a profile as the full square matrix.

    The /ponderation page stores ``weighting["pairwise"]`` as « A|B » → Saaty
    label over the enabled criteria (`dashboard.core.ahp.ahp_matrix`); a square
    list of lists with ``weighting["criteria"]`` is accepted too.
    """
    raw = weighting.get("pairwise")
    if raw is None:
        return None
    try:
        if isinstance(raw, Mapping):
            criteria = list(weighting.get("criteria") or enabled)
            return ahp.ahp_matrix(criteria, raw)
        ids = list(weighting.get("criteria") or enabled)
        frame = pd.DataFrame([[ahp.saaty_value(v) for v in row] for row in raw], index=ids, columns=ids)
        return frame.astype(float)
    except (TypeError, ValueError, KeyError, IndexError, ZeroDivisionError):
        return None


def _put_lines(ws: Worksheet, row: int, lines: Sequence[_Line]) -> int:
    """Bold label in column A and value in column B, one line each from `row`; returns the row after them."""
    for label, value, fmt in lines:
        put(ws, row, 1, label, bold=True)
        put(ws, row, 2, value, fmt)
        row += 1
    return row


def _usage(ctx: _Context, criterion: str, used: Mapping[str, Any]) -> str:
    """Whether the ranking used a criterion, and why not."""
    if criterion in used:
        return "oui"
    if criterion in ctx.profile.enabled:
        return "non — aucune valeur pour cet appel"
    return "non — désactivé"


def _weights_row(ws: Worksheet, row: int, ctx: _Context, criterion: str, info: pd.Series,
                 used: Mapping[str, Any]) -> None:
    """One catalogue criterion in the « Pondérations » table: what it is, whether it is used, its weights."""
    values = [criterion, info.get("label"), _shown(GROUP_LABELS, info.get("criterion_group")), info.get("unit"),
              _shown(DIRECTION_LABELS, info.get("direction")), _usage(ctx, criterion, used)]
    for j, value in enumerate(values, start=1):
        put(ws, row, j, value)
    raw = ctx.profile.weights.get(criterion)
    weights = ctx.result.weights
    put(ws, row, 7, None if raw is None or criterion not in used else float(raw), FORMAT_DECIMAL)
    put(ws, row, 8, float(weights[criterion]) if criterion in weights.index else None, FORMAT_PERCENT)
    if ctx.profile.method == "promethee2" and criterion in used:
        pref = used[criterion].get("preference") or {"function": "usual"}
        put(ws, row, 9, _shown(PREFERENCE_LABELS, pref.get("function")))
        put(ws, row, 10, pref.get("q"), FORMAT_DECIMAL)
        put(ws, row, 11, pref.get("p"), FORMAT_DECIMAL)


def _weights_table(ws: Worksheet, ctx: _Context) -> int:
    """The criteria table of « Pondérations », one row per catalogue criterion; returns its last row."""
    used = {c["id"]: c for c in ctx.spec["criteria"]}
    headers = ["Critère", "Libellé", "Groupe", "Unité", "Sens", "Utilisé", "Poids saisi", "Poids normalisé"]
    if ctx.profile.method == "promethee2":
        headers += ["Fonction de préférence", "Seuil q", "Seuil p"]
    header_row(ws, 1, headers)
    row = 1
    for criterion, info in ctx.inputs.criteria.iterrows():
        row += 1
        _weights_row(ws, row, ctx, cast(str, criterion), info, used)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{row}"
    return row


def _weighting_lines(ctx: _Context, weighting: Mapping[str, Any]) -> list[_Line]:
    """How the profile was set: method, weighting mode, missing values and the raw entries."""
    mode = weighting.get("mode", "equal")
    lines: list[_Line] = [
        ("Profil", ctx.profile_name, None),
        ("Méthode d'agrégation", METHOD_LABELS.get(ctx.profile.method, ctx.profile.method), None),
        ("Mode de pondération", WEIGHTING_LABELS.get(mode, mode), None),
        ("Valeurs manquantes", MISSING_LABELS.get(ctx.profile.missing, ctx.profile.missing), None),
    ]
    if ctx.profile.method == "vikor":
        lines.append(("Paramètre v (VIKOR)", ctx.profile.v, FORMAT_DECIMAL))
    if mode == "roc" and weighting.get("order"):
        lines.append(("Ordre d'importance (ROC)", " > ".join(map(str, weighting["order"])), None))
    if mode == "points" and weighting.get("points"):
        lines.append(("Points attribués (0 à 10)", " ; ".join(
            f"{criterion} : {_entry_words(points)}" for criterion, points in dict(weighting["points"]).items()
            if criterion in ctx.profile.enabled), None))
    for key, value in weighting.items():
        if key in ("mode", "pairwise", "order", "criteria", "points"):
            continue
        lines.append((f"Saisie « {key} »", _entry_words(value), None))
    return lines


def _entry_words(value: Any) -> str:
    """A weighting entry the page does not name, in words: « C01 : 3 ; C02 : 1 », « C01, C02 »."""
    if isinstance(value, Mapping):
        return " ; ".join(f"{key} : {_entry_words(item)}" for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_entry_words(item) for item in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return fr_number(value, 0 if float(value).is_integer() else 3)
    return str(value)


def _pairwise_grid(ws: Worksheet, row: int, pairwise: pd.DataFrame) -> int:
    """The AHP judgements as a square grid from `row`; returns the row after it."""
    header_row(ws, row, ["", *[str(c) for c in pairwise.columns]])
    for i in pairwise.index:
        row += 1
        put(ws, row, 1, str(i), bold=True)
        for j, c in enumerate(pairwise.columns, start=2):
            value: Any = pairwise.at[i, c]
            with contextlib.suppress(TypeError, ValueError):
                value = float(value)
            put(ws, row, j, value, "0.000")
    return row + 1


def _ahp_consistency(ws: Worksheet, row: int, pairwise: pd.DataFrame) -> int:
    """λ max, CI, CR and the most inconsistent judgement, from `row`; returns the row after them."""
    try:
        result = scoring.weights("ahp", pairwise=pairwise)
    except ScoringError as exc:
        put(ws, row, 1, f"Matrice AHP invalide : {exc}")
        return row + 1
    stats: list[_Line] = [("λ max", result.lambda_max, "0.000"), ("Indice de cohérence CI", result.ci, "0.000"),
                          ("Ratio de cohérence CR", result.cr, "0.000")]
    if result.inconsistent_pair:
        stats.append(("Comparaison la plus incohérente",
                      f"{result.inconsistent_pair[0]} / {result.inconsistent_pair[1]} "
                      f"(valeur cohérente : {fr_number(result.suggested_value, 2)})", None))
    if result.cr is not None:
        stats.append(("Cohérence", "acceptable (CR ≤ 0,10)" if result.cr <= 0.10
                      else "insuffisante (CR > 0,10)", None))
    return _put_lines(ws, row, stats)


def _enabled(ctx: _Context) -> list[str]:
    """The profile's enabled criteria, in catalogue order."""
    return [c for c in ctx.inputs.criteria.index if c in set(ctx.profile.enabled)]


def _ahp_section(ws: Worksheet, row: int, ctx: _Context, weighting: Mapping[str, Any]) -> int:
    """The AHP pairwise comparisons of the profile and their consistency from `row` (one grid, or one per
    block of the hierarchy: the groups, then each group's criteria); returns the row after."""
    enabled = _enabled(ctx)
    put(ws, row, 1, "Comparaisons par paires (échelle de Saaty 1–9, a_ij = importance de i par rapport à j)",
        bold=True)
    row += 1
    if ahp.structure(weighting) == ahp.GROUPS:
        for block in ahp.blocks(enabled, views.criteria_by_group(ctx.inputs)):
            title = "Groupes de critères" if block.name == ahp.GROUPS_BLOCK else _shown(GROUP_LABELS, block.name)
            put(ws, row, 1, f"Bloc « {title} »", bold=True)
            matrix = ahp.block_matrix(block, weighting)
            row = _ahp_consistency(ws, _pairwise_grid(ws, row + 1, matrix) + 1, matrix) + 1
        return row
    pairwise = _pairwise_frame(weighting, enabled)
    if pairwise is None:
        put(ws, row, 1, "Matrice de comparaisons non enregistrée dans le profil.")
        return row + 1
    return _ahp_consistency(ws, _pairwise_grid(ws, row, pairwise) + 1, pairwise)


def _write_weights(wb: Workbook, ctx: _Context) -> None:
    """The « Pondérations » sheet: the criteria table, how the weights were set, the AHP judgements."""
    ws = wb.create_sheet(SHEET_WEIGHTS)
    row = _weights_table(ws, ctx) + 2
    weighting = dict(ctx.profile.weighting or {})
    row = _put_lines(ws, row, _weighting_lines(ctx, weighting))
    if weighting.get("mode", "equal") == "ahp":
        _ahp_section(ws, row + 1, ctx, weighting)
    fit_columns(ws, maximum=50)


def _forcing_rows(ws: Worksheet, row: int, ctx: _Context) -> int:
    """The forcings (dossier, name, forcing, justification, by whom unless anonymised, when)
    from `row`; returns the row after them."""
    if ctx.forcings.empty:
        put(ws, row, 1, "Aucun dossier forcé.")
        return row + 1
    titles = ["Dossier", "Nom (dép.)", "Forçage", "Justification", "Le"]
    if not ctx.anonymise:
        titles.insert(4, "Par")
    header_row(ws, row, titles)
    for entry in ctx.forcings.itertuples():
        row += 1
        values = [str(entry.dossier_id), ctx.name(entry.dossier_id), _shown(FORCING_LABELS, entry.kind),
                  entry.justification]
        if not ctx.anonymise:
            values.append(entry.decided_by)
        for j, value in enumerate(values, start=1):
            put(ws, row, j, value)
        put(ws, row, len(values) + 1, _timestamp(entry.decided_at), FORMAT_DATETIME)
    return row + 1


def _title(ws: Worksheet, row: int, text: str) -> int:
    """A section title at `row`; returns the row after it."""
    put(ws, row, 1, text).font = TITLE_FONT
    return row + 1


def _constraints_table(ws: Worksheet, ctx: _Context) -> int:
    """The table of the shortlist's constraints (one row each when feasible); returns its last row."""
    sl = ctx.shortlist
    headers = ["Contrainte", "Type", "Borne", "Atteint", "Dans les N premiers", "Marge", "Saturée",
               "Contraignante", "Score cédé"]
    header_row(ws, 1, headers)
    row = 1
    if sl is not None and sl.feasible:
        for entry in sl.constraints:
            row += 1
            bound_format = FORMAT_PERCENT if entry.get("type") == "min_share" else FORMAT_INT
            put(ws, row, 1, ctx.named(entry["label"]))
            put(ws, row, 2, _shown(CONSTRAINT_TYPE_LABELS, entry["type"]))
            put(ws, row, 3, entry.get("bound"), bound_format)
            put(ws, row, 4, entry.get("value"), FORMAT_INT)
            put(ws, row, 5, entry.get("top_n_value"), FORMAT_INT)
            put(ws, row, 6, entry.get("slack"), FORMAT_INT)
            put(ws, row, 7, "oui" if entry.get("tight") else "non")
            put(ws, row, 8, "oui" if entry.get("binding") else "non")
            put(ws, row, 9, float(entry.get("cost") or 0.0), FORMAT_SCORE)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{row}"
    return row


def _result_rows(ws: Worksheet, row: int, ctx: _Context) -> int:
    """The solver's outcome (size, message, scores; the conflicting constraints when infeasible)
    from `row`; returns the row after it."""
    sl = ctx.shortlist
    if sl is None:
        put(ws, row, 1, "Aucune liste restreinte n'a été calculée.")
        return row + 1
    summary: list[_Line] = [
        ("Taille de la liste", sl.size, FORMAT_INT),
        ("Message du moteur", ctx.named(sl.message), None),
    ]
    if sl.feasible:
        summary += [("Score total de la sélection", sl.objective, FORMAT_SCORE),
                    (f"Score total des {sl.size} premiers", sl.top_n_objective, FORMAT_SCORE),
                    ("Score cédé par les contraintes", sl.objective_lost, FORMAT_SCORE),
                    ("Échanges par rapport aux N premiers", len(sl.swaps), FORMAT_INT)]
    row = _put_lines(ws, row, summary)
    if not sl.feasible:
        row = _title(ws, row + 1, "Contraintes incompatibles (ensemble minimal)")
        for entry in sl.conflict:
            put(ws, row, 1, ctx.named(entry.get("label", _dump(entry))))
            row += 1
    return row


def _swap_rows(ws: Worksheet, row: int, ctx: _Context) -> int:
    """Who entered the selection in place of whom, and why, from `row`; returns the row after them."""
    sl = ctx.shortlist
    if sl is None or not sl.swaps:
        put(ws, row, 1, "Aucun échange : la sélection est celle des N premiers." if sl is not None and sl.feasible
            else "Sans objet.")
        return row + 1
    header_row(ws, row, ["Entre", "Nom (dép.)", "Rang", "Sort", "Nom (dép.)", "Rang", "Raison"])
    for swap in sl.swaps:
        row += 1
        entrant, leaver = swap["in"], swap["out"]
        put(ws, row, 1, str(entrant))
        put(ws, row, 2, ctx.name(entrant))
        put(ws, row, 3, ctx.result.ranks.get(entrant), FORMAT_RANK)
        put(ws, row, 4, str(leaver))
        put(ws, row, 5, ctx.name(leaver))
        put(ws, row, 6, ctx.result.ranks.get(leaver), FORMAT_RANK)
        put(ws, row, 7, ctx.named(str(swap["because"])))
    return row + 1


def _write_constraints(wb: Workbook, ctx: _Context) -> None:
    """The « Contraintes » sheet: the constraints table, the result, the swaps and the forcings."""
    ws = wb.create_sheet(SHEET_CONSTRAINTS)
    row = _constraints_table(ws, ctx) + 2
    row = _result_rows(ws, _title(ws, row, "Résultat"), ctx) + 1
    row = _swap_rows(ws, _title(ws, row, "Échanges par rapport aux N premiers"), ctx) + 1
    _forcing_rows(ws, _title(ws, row, "Dossiers forcés"), ctx)
    fit_columns(ws, maximum=70)


def _preference_words(preference: Mapping[str, Any]) -> str:
    """« linéaire (…), q = 1, p = 3 »: a PROMETHEE preference function and its thresholds."""
    words = str(_shown(PREFERENCE_LABELS, preference.get("function", "usual")))
    thresholds = [f"{key} = {fr_number(preference[key], 3)}" for key in ("q", "p", "s")
                  if not is_missing(preference.get(key))]
    return ", ".join([words, *thresholds])


def _method_parameters(ctx: _Context) -> str:
    """The method's parameters in French sentences, one a line."""
    lines = [f"Valeurs manquantes : {_shown(MISSING_LABELS, ctx.profile.missing)}."]
    if ctx.profile.method == "vikor":
        lines.append(f"v = {fr_number(ctx.profile.v, 3)} : poids de la stratégie de la majorité (utilité de "
                     "groupe S) ; 1 − v pour le regret individuel R.")
    if ctx.profile.method == "promethee2":
        for criterion in ctx.spec["criteria"]:
            lines.append(f"{criterion['id']} : préférence "
                         f"{_preference_words(criterion.get('preference') or {'function': 'usual'})}.")
    return "\n".join(lines)


def _aggregation_sentence(ctx: _Context) -> str:
    settings = ctx.aggregation
    return (f"{AGGREGATION_LABELS.get(settings.method, settings.method)}"
            f"{' avec correction de sévérité (scores z)' if settings.zscore else ''} ; seules les notes qui "
            "comptent (récusations exclues)")


def _export_lines(ctx: _Context) -> list[_Line]:
    return [
        ("Document", "Liste restreinte du jury « Au cœur des territoires » (Cnam)", None),
        ("Date et heure de l'export", ctx.generated_at, "dd/mm/yyyy hh:mm:ss"),
        ("Version de l'application", dashboard.__version__, None),
        ("Appel", f"{ctx.call_id} — {ctx.call_label}", None),
        ("Date des résultats de l'appel", ctx.results_on, FORMAT_DATE),
        (NATURE_LABEL, ctx.nature, None),
        ("Utilisateur", "(masqué : export anonymisé)" if ctx.anonymise else ctx.user, None),
        ("Export anonymisé", _anonymisation_line(ctx), None),
    ]


def _ranking_lines(ctx: _Context) -> list[_Line]:
    mode = ctx.profile.weighting.get("mode", "equal")
    ineligible = int((ctx.inputs.eligibility["status"] == decision.INELIGIBLE).sum())
    return [
        ("Profil de pondération", ctx.profile_name, None),
        ("Méthode", f"{METHOD_LABELS.get(ctx.profile.method, ctx.profile.method)} ({ctx.profile.method})", None),
        ("Paramètres de la méthode", _method_parameters(ctx), None),
        ("Mode de pondération", WEIGHTING_LABELS.get(mode, mode), None),
        ("Agrégation des notes du jury", _aggregation_sentence(ctx), None),
        ("Dossiers classés / non éligibles",
         f"{fr_count(len(ctx.result.scores), 'dossier')} classé{'s' if len(ctx.result.scores) > 1 else ''} ; "
         f"{fr_count(ineligible, 'dossier')} non éligible{'s' if ineligible > 1 else ''}", None),
    ]


def _weight_lines(ctx: _Context) -> list[_Line]:
    lines: list[_Line] = []
    for criterion in [c["id"] for c in ctx.spec["criteria"]]:
        label = str(ctx.inputs.criteria.at[criterion, "label"]) if criterion in ctx.inputs.criteria.index else ""
        lines.append((f"{criterion} — {label}", float(ctx.result.weights[criterion]), FORMAT_PERCENT))
    return lines


def _shortlist_lines(ctx: _Context) -> list[_Line]:
    size = ctx.shortlist.size if ctx.shortlist is not None else None
    described = describe_constraints(ctx.constraints, size or 0, ctx.inputs)[1:] if size else []
    return [("Taille de la liste restreinte", size, FORMAT_INT),
            ("Contraintes", "\n".join(described) or "aucune", None)]


def _integrity_lines(ctx: _Context) -> list[_Line]:
    return [
        (HASH_LABEL, ctx.content_hash, None),
        (HEAD_LABEL, ctx.journal_head or "(journal vide)", None),
        ("Vérifier le journal", "« jury audit --verify --head EMPREINTE » (avec l'empreinte de tête ci-dessus) "
                                "vérifie que le journal contient toujours cette entrée : rien n'a été réécrit "
                                "ni retiré depuis l'export.", None),
    ]


def _reproduction_lines(ctx: _Context, matrix: Table) -> list[_Line]:
    criteria_ids = [c["id"] for c in ctx.spec["criteria"]]
    spec_json = json.dumps(ctx.spec, ensure_ascii=False, indent=None, default=_json_default)
    return [
        ("Matrice de décision", f"Feuille « {SHEET_MATRIX} » ({fr_count(matrix.rows, 'dossier')}) : colonne « id » "
         f"puis une colonne par critère ({', '.join(criteria_ids)}), rien d'autre. Cellules vides = valeurs "
         "manquantes, complétées comme l'indique « missing » dans la spécification.", None),
        (SPEC_LABEL, spec_json, None),
        ("Reproduire le classement",
         f"1. Enregistrer la feuille « {SHEET_MATRIX} » en CSV (séparateur virgule, point décimal, UTF-8) "
         f"sous M.csv ; 2. copier la cellule « {SPEC_LABEL} » dans S.json ; "
         "3. lancer « python -m scoring rank --matrix M.csv --spec S.json » : la sortie id,score,rank "
         f"redonne les colonnes « {ctx.score_header} » et « Rang » de la feuille « {SHEET_RANKING} ».", None),
        ("Commande", "python -m scoring rank --matrix M.csv --spec S.json", None),
        *_ahp_reproduction_lines(ctx),
        (CONSTRAINTS_LABEL, _dump(ctx.constraints), None),
    ]


def _ahp_reproduction_lines(ctx: _Context) -> list[_Line]:
    """For an AHP profile, the judgements as the JSON of « python -m scoring weights --ahp » and how to run it."""
    weighting = dict(ctx.profile.weighting or {})
    if weighting.get("mode") != "ahp":
        return []
    document: dict[str, Any] = ahp.specification(_enabled(ctx), weighting, views.criteria_by_group(ctx.inputs))
    if ahp.structure(weighting) == ahp.FLAT:
        pairwise = _pairwise_frame(weighting, _enabled(ctx))  # the stored matrix, in either of its forms
        if pairwise is None:
            return []
        document = {"criteria": [str(c) for c in pairwise.index], "pairwise": ahp.cells(pairwise)}
    return [
        (AHP_SPEC_LABEL, json.dumps(document, ensure_ascii=False), None),
        ("Reproduire les poids",
         f"copier la cellule « {AHP_SPEC_LABEL} » dans H.json et lancer « python -m scoring weights --method ahp "
         "--ahp H.json » : ses poids, ramenés aux critères utilisés, sont ceux de la spécification ci-dessus.", None),
    ]


def _write_manifest(wb: Workbook, ctx: _Context, matrix: Table) -> None:
    """« Manifeste »: what the export is, how the ranking and the shortlist were made (French
    sentences), the fingerprints, and how to reproduce the ranking; one page when printed."""
    ws = wb.create_sheet(SHEET_MANIFEST)
    header_row(ws, 1, ["Élément", "Valeur"])
    sections = [("L'export", _export_lines(ctx)), ("Le classement", _ranking_lines(ctx)),
                ("Poids normalisés des critères", _weight_lines(ctx)), ("La liste restreinte", _shortlist_lines(ctx)),
                ("Intégrité", _integrity_lines(ctx)), ("Reproduire le classement", _reproduction_lines(ctx, matrix))]
    row = 2
    for title, lines in sections:
        row = _title(ws, row, title)
        for label, value, fmt in lines:
            put(ws, row, 1, label, bold=True, wrap=True)
            put(ws, row, 2, value, fmt).alignment = LEFT_WRAP
            row += 1
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:B{row - 1}"
    ws.column_dimensions["A"].width = 44
    ws.column_dimensions["B"].width = 100
    fit_row_heights(ws)


def _anonymisation_line(ctx: _Context) -> str:
    """What the anonymised export hides, for the manifest."""
    if not ctx.anonymise:
        return "non"
    motives = ("motifs de récusation conservés à la demande de l'administration" if ctx.keep_motives
               else f"motifs de récusation remplacés par « {HIDDEN_MOTIVE} »")
    return ("oui — jurés J1…Jn numérotés au hasard pour cet export (correspondance conservée nulle part), "
            f"sans noms, identifiants ni organisations ; auteurs des décisions masqués ; {motives}. "
            "Les commentaires et motivations sont reproduits tels quels et peuvent révéler leur auteur.")


# --------------------------------------------------------------------------- public entry points


def build_workbook(*, call: Mapping[str, Any], inputs: DecisionInputs, profile: WeightProfile,
                   profile_name: str, result: scoring.RankResult, shortlist: ShortlistResult | None,
                   constraints: Mapping[str, Any] | None, forcings: pd.DataFrame | None,
                   ratings: pd.DataFrame | None, decisions: pd.DataFrame | None, content_hash: str,
                   decision_history: pd.DataFrame | None = None,
                   user: str, journal_head: str | None = None, aggregation: AggregationSettings | None = None,
                   anonymise: bool = False, keep_motives: bool = False,
                   generated_at: datetime | None = None, register: pd.DataFrame | None = None,
                   nature: str = "Essai : réglages hors séance.") -> bytes:
    """The shortlist workbook as .xlsx bytes (see the module docstring for the arguments)."""
    call_id = str(call.get("id") or call.get("call_id") or inputs.call_id)
    ctx = _Context(
        call_id=call_id,
        call_label=str(call.get("label") or call_id),
        results_on=_day(call.get("results_on")),
        inputs=inputs,
        profile=profile,
        profile_name=profile_name,
        result=result,
        spec=profile.spec(inputs),
        shortlist=shortlist,
        constraints=dict(constraints or {}),
        forcings=forcings if forcings is not None else pd.DataFrame(),
        ratings=ratings,
        decisions=decisions if decisions is not None else pd.DataFrame(),
        decision_history=decision_history if decision_history is not None else pd.DataFrame(),
        content_hash=content_hash,
        journal_head=journal_head,
        user=user,
        aggregation=aggregation or AggregationSettings(),
        anonymise=anonymise,
        keep_motives=keep_motives,
        generated_at=(generated_at or datetime.now()).replace(microsecond=0, tzinfo=None),
        nature=nature,
        register=register,
        pseudonyms=random_pseudonyms(
            [j for frame in (ratings, register) if frame is not None for j in frame["juror_id"]]
            if anonymise else []),
    )
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the empty sheet a new workbook starts with
    splice = Splice()
    write_table(wb, SHEET_SHORTLIST, _shortlist_table(ctx), splice)
    write_table(wb, SHEET_DECISIONS, _decisions_table(ctx), splice)
    write_table(wb, SHEET_RANKING, _ranking_table(ctx), splice)
    write_table(wb, SHEET_INELIGIBLE, _ineligible_table(ctx), splice)
    _write_weights(wb, ctx)
    write_table(wb, SHEET_RATINGS, _ratings_table(ctx), splice)
    write_table(wb, SHEET_REGISTER, _register_table(ctx), splice)
    _write_constraints(wb, ctx)
    matrix = _matrix_table(ctx)
    _write_manifest(wb, ctx, matrix)
    write_table(wb, SHEET_MATRIX, matrix, splice)
    header = PrintHeader(document="Jury « Au cœur des territoires » (Cnam)",
                         call=f"{ctx.call_id} — {ctx.call_label}",
                         exported=f"exporté le {fr_datetime(ctx.generated_at)}")
    for ws in wb.worksheets:
        set_print_layout(ws, header, one_page=ws.title == SHEET_MANIFEST)
    wb.properties.creator = "Jury « Au cœur des territoires »"
    wb.properties.title = f"Liste restreinte {call_id}"
    buffer = io.BytesIO()
    wb.save(buffer)
    return splice.apply(buffer.getvalue())
