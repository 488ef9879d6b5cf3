"""Every French label and shared name the product shows, defined once.

Pages, the workbook, the CLI and the store read them from here, so a method,
a criterion group or a forcing is called the same everywhere. Values the code
compares against (eligibility statuses, decisions) stay beside the logic that
produces them; this module holds what is *shown*.
"""

from __future__ import annotations

# --------------------------------------------------------------------------- weight profiles

JURY_PROFILE = "profil du jury"  # the panel's shared profile, saved by the presidency
EQUAL_WEIGHTS = "poids égaux"  # the built-in profile offered beside the saved ones
UNSAVED_PROFILE = "profil en cours (non enregistré)"  # what an export calls a profile nobody saved

# --------------------------------------------------------------------------- engine settings

AGGREGATION_LABELS = {"mean": "Moyenne", "median": "Médiane", "trimmed_mean": "Moyenne tronquée (10 %)"}
METHOD_LABELS = {
    "wsm": "Somme pondérée",
    "wpm": "Produit pondéré",
    "topsis": "TOPSIS",
    "vikor": "VIKOR",
    "promethee2": "PROMETHEE II",
}
WEIGHTING_LABELS = {
    "points": "Points (curseurs)",
    "ahp": "Comparaisons par paires (AHP)",
    "roc": "Ordre d'importance (ROC)",
    "equal": "Poids égaux",
    "entropy": "Entropie",
    "critic": "CRITIC",
}
MISSING_LABELS = {"mean": "moyenne de la colonne", "worst": "pire valeur observée", "error": "refuser"}
PREFERENCE_LABELS = {
    "usual": "usuelle (toute différence compte)",
    "linear": "linéaire avec indifférence (q, p)",
    "vshape": "en V (p)",
}

# --------------------------------------------------------------------------- criteria

GROUP_LABELS = {"objectif": "Critères objectifs", "dossier": "Critères du dossier", "jury": "Notes du jury"}
DIRECTION_LABELS = {"max": "à maximiser", "min": "à minimiser"}

# --------------------------------------------------------------------------- dossiers

KIND_LABELS = {
    "commune": "Commune",
    "EPCI": "EPCI",
    "consortium": "Communes et EPCI associés",
    "entente": "Communes et EPCI associés",
}

# --------------------------------------------------------------------------- shortlist

FORCING_LABELS = {"force_in": "imposé", "force_out": "écarté"}
FORCING_ACTIONS = {"force_in": "Imposer dans la liste", "force_out": "Écarter de la liste"}
CONSTRAINT_TYPE_LABELS = {
    "size": "taille de la sélection",
    "min_per_group": "minimum par groupe",
    "max_per_group": "maximum par groupe",
    "min_count": "nombre minimum",
    "min_share": "part minimale",
    "force_in": "dossier imposé",
    "force_out": "dossier écarté",
}

# --------------------------------------------------------------------------- accounts and store

ROLE_LABELS: dict[str, str] = {
    "jure": "juré·e",
    "president": "président·e du jury",
    "direction": "direction du Cnam",
    "admin": "administration",
}
TABLE_LABELS = {
    "calls": "appels",
    "criteria": "critères",
    "candidates": "candidats",
    "dossiers": "dossiers",
    "criterion_values": "valeurs des critères",
    "jurors": "jurés",
    "conflict_declarations": "déclarations d'intérêts",
    "recusals": "récusations",
    "ratings": "notes",
}
