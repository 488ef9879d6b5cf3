"""The procès-verbal of a séance (PDF): the minutes the president signs, drawn from the record.

``build_proces_verbal(minutes, generated_at) -> bytes``. `Minutes` holds what the store
recorded of the séance (gathered by `services.reports.seance_minutes`):

1. the call, the séance's title, date and place, who opened and closed it;
2. the jury's members with their organisations, present, excused or absent, and the quorum;
3. the conflict-of-interest declarations and the recusals;
4. the method and the official weights (the version in force, and every version);
5. the shortlist's constraints and the forcings;
6. each dossier deliberated: its votes' tallies (« 5 retenu, 2 non retenu, 1 abstention »),
   the decision taken in the séance with its motivation and, where it departs from the
   vote, why;
7. the shortlist under the official settings, its swaps explained and the score given up;
8. the content hash and the journal's head hash; a block for the president to sign.

A séance still open gives a « procès-verbal provisoire », said on every page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

import scoring
from dashboard.core.decision import DecisionInputs, WeightProfile
from dashboard.core.formatting import fr_date, fr_datetime, fr_number, is_missing
from dashboard.report import pdf_sections as sections
from dashboard.report.pdf import Column, PdfDocument
from scoring.shortlist import ShortlistResult

__all__ = ["Deliberation", "Minutes", "build_proces_verbal"]


@dataclass(frozen=True)
class Deliberation:
    """One dossier deliberated in the séance: its votes and the decision taken there."""

    dossier_id: str
    name: str
    agenda_position: int | None
    votes: tuple[str, ...]
    decision: str | None
    rationale: str | None
    departure: str | None


@dataclass(frozen=True)
class Minutes:
    """Everything the procès-verbal says, as recorded."""

    call_id: str
    call_label: str
    seance_id: int
    title: str
    place: str | None
    opened_at: datetime
    opened_by: str
    closed_at: datetime | None
    closed_by: str | None
    attendance: pd.DataFrame          # Store.attendance
    quorum: str
    register: pd.DataFrame            # analysis.conflict_register
    settings_version: int
    settings_line: str                # which version is in force, its change, by whom, when
    settings_versions: pd.DataFrame   # Store.official_versions
    inputs: DecisionInputs
    profile: WeightProfile
    ranking: scoring.RankResult
    shortlist: ShortlistResult
    constraint_lines: tuple[str, ...]
    forcings: pd.DataFrame
    deliberations: tuple[Deliberation, ...]
    content_hash: str
    journal_head: str | None
    presidents: tuple[str, ...]
    generated_by: str

    @property
    def is_provisional(self) -> bool:
        return self.closed_at is None


def _attendance_word(row: pd.Series) -> str:
    status = row["status"]
    if is_missing(status):
        return "non pointé·e"
    if status == "présent" and not is_missing(row["left_at"]):
        return f"présent·e, parti·e à {pd.Timestamp(row['left_at']):%H:%M}"
    return {"présent": "présent·e", "absent": "absent·e", "excusé": "excusé·e"}.get(str(status), str(status))


def _attendance(doc: PdfDocument, minutes: Minutes) -> None:
    frame = minutes.attendance
    words = [_attendance_word(row) for _, row in frame.iterrows()]
    counts = pd.Series(frame["status"].fillna("non pointé")).value_counts()
    left = int(((frame["status"] == "présent") & frame["left_at"].notna()).sum())
    doc.paragraph(f"{minutes.quorum[:-1]}, à l'établissement de ce procès-verbal.")
    doc.paragraph(" ; ".join(f"{label} : {fr_number(int(counts.get(status, 0)))}" for status, label in
                             (("présent", "présents"), ("excusé", "excusés"), ("absent", "absents"),
                              ("non pointé", "non pointés")))
                  + (f" (dont {fr_number(left)} parti·e(s) en cours de séance)." if left else "."))
    rows = [[str(r["name"]), "" if is_missing(r["organisation"]) else str(r["organisation"]), word]
            for (_, r), word in zip(frame.iterrows(), words, strict=True)]
    doc.data_table([Column("Membre du jury", 3), Column("Organisation", 4), Column("Présence", 2.4)], rows, size=8.5)


def _register(doc: PdfDocument, register: pd.DataFrame) -> None:
    rows = [[str(r["name"]), str(r["declaration"]), fr_date(r["declared_on"]),
             str(r["recused_from"]) or "aucune"] for _, r in register.iterrows()]
    doc.data_table([Column("Membre du jury", 2.6), Column("Déclaration d'intérêts", 2.2), Column("Le", 1.2),
                    Column("Récusé·e pour (dossier — motif)", 6)], rows, size=8)
    doc.paragraph("Un membre récusé pour un dossier ne voit ni ses notes ni ses documents, ne vote pas sur lui "
                  "et n'entre pas dans son quorum.", size=8, muted=True)


def _settings(doc: PdfDocument, minutes: Minutes) -> None:
    doc.paragraph(minutes.settings_line)
    doc.paragraph(f"Méthode : {sections.method_line(minutes.profile)}.")
    sections.weights_section(doc, minutes.inputs, minutes.ranking)
    doc.subheading("Versions des réglages officiels pendant la séance")
    rows = [[fr_number(r["version"]), str(r["change"]), str(r["changed_by"]),
             fr_datetime(pd.Timestamp(r["changed_at"]))] for _, r in minutes.settings_versions.iterrows()]
    doc.data_table([Column("Version", 0.9, "R"), Column("Changement", 7), Column("Par", 2.2), Column("Le", 2)],
                   rows, size=7.5)


def _deliberations(doc: PdfDocument, deliberations: Sequence[Deliberation]) -> None:
    rows = []
    for item in deliberations:
        motivation = item.rationale or ""
        if item.departure:
            motivation += f" — Écart au vote : {item.departure}"
        rows.append([fr_number(item.agenda_position) if item.agenda_position is not None else "–",
                     f"{item.name} ({item.dossier_id})", "\n".join(item.votes) or "pas de vote",
                     item.decision or "aucune décision en séance", motivation])
    doc.data_table([Column("N°", 0.6, "R"), Column("Dossier", 3), Column("Vote(s)", 3.4), Column("Décision", 2),
                    Column("Motivation", 5)], rows, size=7.5,
                   empty="Aucun dossier n'a été discuté, voté ou décidé pendant cette séance.")


def _header_lines(minutes: Minutes) -> list[str]:
    lines = [f"Appel {minutes.call_id} — {minutes.call_label}",
             f"{minutes.title} (séance n° {fr_number(minutes.seance_id)}), le {fr_date(minutes.opened_at)}",
             f"Lieu : {minutes.place or 'non précisé'}",
             f"Ouverte le {fr_datetime(minutes.opened_at)} par {minutes.opened_by}"
             + (f", close le {fr_datetime(minutes.closed_at)} par {minutes.closed_by}."
                if minutes.closed_at is not None else ".")]
    if minutes.is_provisional:
        lines.append("Séance en cours : procès-verbal provisoire, à établir de nouveau après la clôture.")
    return lines


def _signature(doc: PdfDocument, minutes: Minutes) -> None:
    who = " / ".join(minutes.presidents) or "…………………………………………"
    doc.signature_block([f"Pour le jury, la présidence : {who}",
                         f"Fait à {minutes.place or '……………………'}, le ……………………",
                         "Je certifie ce procès-verbal conforme aux délibérations du jury."])


def build_proces_verbal(minutes: Minutes, generated_at: datetime) -> bytes:
    """The procès-verbal as PDF bytes (see the module docstring)."""
    state = "provisoire — " if minutes.is_provisional else ""
    doc = PdfDocument(title=f"Procès-verbal — {minutes.title} — {minutes.call_id}",
                      running_title=f"Procès-verbal {state}{minutes.call_id} — {minutes.title} "
                                    f"(n° {minutes.seance_id})", generated_at=generated_at)
    doc.title_block("Procès-verbal de la séance du jury" + (" (provisoire)" if minutes.is_provisional else ""),
                    _header_lines(minutes))
    doc.heading("Membres du jury et présences")
    _attendance(doc, minutes)
    doc.heading("Déclarations d'intérêts et récusations")
    _register(doc, minutes.register)
    doc.heading(f"Méthode et pondération officielles (version {fr_number(minutes.settings_version)})")
    _settings(doc, minutes)
    doc.heading("Contraintes de la liste restreinte")
    doc.bullets(minutes.constraint_lines)
    doc.subheading("Dossiers forcés")
    sections.forcings_section(doc, minutes.inputs, minutes.forcings, anonymise=False)
    doc.heading("Dossiers délibérés")
    _deliberations(doc, minutes.deliberations)
    doc.heading(f"Liste restreinte arrêtée ({fr_number(minutes.shortlist.size)} dossiers)")
    doc.paragraph("Sous la pondération et les contraintes officielles ci-dessus (version "
                  f"{fr_number(minutes.settings_version)}), les forçages compris.")
    doc.facts(sections.key_figures(minutes.inputs, minutes.shortlist))
    sections.shortlist_section(doc, minutes.inputs, minutes.ranking, minutes.shortlist,
                               {d.dossier_id: d.decision for d in minutes.deliberations if d.decision})
    doc.subheading("Échanges par rapport aux premiers du classement")
    sections.swaps_section(doc, minutes.inputs, minutes.ranking, minutes.shortlist)
    doc.heading("Intégrité du document")
    sections.hashes_section(doc, minutes.content_hash, minutes.journal_head,
                            [("Établi le", f"{fr_datetime(generated_at)} par {minutes.generated_by}")])
    _signature(doc, minutes)
    return doc.to_bytes()

