"""The journal in words (`dashboard.core.journal_text`): every action the store writes gives
its French sentence with people's and towns' names, from the payload its writer stores; an
unknown action or an unexpected payload still gives a sentence (no JSON, no error); a name
not known falls back to its key; the call of each kind of entry; labels and raw detail."""

from __future__ import annotations

import ast
import json
from datetime import datetime
from typing import Any

import pandas as pd
import pytest

from dashboard.core import journal_text
from dashboard.core.journal_text import (
    INCONSISTENCY_ACCEPTED,
    DossierName,
    JournalEntry,
    JournalNames,
    SeanceName,
    action_label,
    author_name,
    described_log,
    entry_call,
    entry_sentence,
    raw_details,
)
from tests.helpers.workbooks import REPO_ROOT

NAMES = JournalNames(
    people={"paul.durand": "Paul Durand", "helene.marchetti": "Hélène Marchetti", "admin": "Secrétariat",
            "olivier.castaing": "Olivier Castaing"},
    jurors={"JUR-01": "Hélène Marchetti", "JUR-02": "Paul Durand", "JUR-04": "Olivier Castaing"},
    dossiers={"AMI1-064": DossierName("Vittel", "88", "AMI1"), "AMI1-010": DossierName("Auxerre", "89", "AMI1"),
              "AMI2-P1-003": DossierName("Saint-Joseph", "974", "AMI2-P1")},
    calls={"AMI1": "AMI 1 — 2019", "AMI2-P1": "AMI 2 — phase 1"},
    criteria={"J01": "Attractivité"},
    seances={"1": SeanceName("AMI1", "Séance du 05/09/2019")},
    votes={"3": "AMI1-064"},
)
SEANCE = "(séance « Séance du 05/09/2019 »)"


def _entry(action: str, entity: str, key: str | None, before: Any = None, after: Any = None,
           actor: str = "helene.marchetti") -> JournalEntry:
    """An entry as the store writes it: the payloads as JSON text."""
    return JournalEntry(action, entity, key, None if before is None else json.dumps(before, ensure_ascii=False),
                        None if after is None else json.dumps(after, ensure_ascii=False), actor)


def _seance(action: str, **after: Any) -> JournalEntry:
    return _entry(action, "seance", "1", None, {"seance": "Séance du 05/09/2019", "par": "Hélène Marchetti", **after})


CASES: list[tuple[JournalEntry, str]] = [
    (_entry("notation", "rating", "JUR-02/AMI1-064/J01", {"score": 3, "comment": None, "version": 1},
            {"score": 4, "comment": None, "version": 2}, "paul.durand"),
     "Paul Durand a noté Vittel (88) sur « Attractivité » : 3 → 4"),
    (_entry("notation", "rating", "JUR-02/AMI1-064/J01", None,
            {"score": 2, "comment": "Locaux *à revoir*", "version": 1}, "paul.durand"),
     "Paul Durand a noté Vittel (88) sur « Attractivité » : 2, commentaire : « Locaux *à revoir* »"),
    (_entry("profil de pondération", "weight_profile", "AMI1/profil du jury", None,
            {"method": "topsis", "weighting": {"mode": "equal"}, "weights": {"C01": 1.0}}),
     "Hélène Marchetti a enregistré le profil de pondération « profil du jury » de l'appel « AMI 1 — 2019 » : "
     "méthode TOPSIS, pondération Poids égaux"),
    (_entry("profil de pondération", "weight_profile", "AMI1/essai", {"method": "wsm", "weights": {"C01": 1, "C02": 1}},
            {"method": "topsis", "weights": {"C01": 2, "C02": 3}}),
     "Hélène Marchetti a modifié le profil de pondération « essai » de l'appel « AMI 1 — 2019 » : "
     "méthode Somme pondérée → TOPSIS, 2 poids modifiés"),
    (_entry("forçage de la liste restreinte", "shortlist_forcing", "AMI1/AMI1-064", None,
            {"kind": "force_out", "justification": "Projet déjà financé"}),
     "Hélène Marchetti a écarté Vittel (88) de la liste restreinte : motif « Projet déjà financé »"),
    (_entry(INCONSISTENCY_ACCEPTED, "weight_profile", "AMI1/profil du jury", None,
            {"consistency": "Notes du jury : CR = 0,105"}),
     "Hélène Marchetti a confirmé l'enregistrement du profil « profil du jury » de l'appel « AMI 1 — 2019 » malgré "
     "des comparaisons AHP incohérentes (Notes du jury : CR = 0,105)"),
    (_entry("forçage de la liste restreinte", "shortlist_forcing", "AMI1/AMI1-064", None,
            {"kind": "force_in", "justification": "Seul dossier\nde la région"}),
     "Hélène Marchetti a imposé Vittel (88) dans la liste restreinte : motif « Seul dossier de la région »"),
    (_entry("forçage de la liste restreinte", "shortlist_forcing", "AMI1/AMI1-010",
            {"kind": "force_out", "justification": "x"}, None),
     "Hélène Marchetti a levé le forçage d'Auxerre (89) dans la liste restreinte (auparavant écarté)"),
    (_entry("décision", "decision", "AMI1/AMI1-064", {"decision": "non retenu", "rationale": "Trop tôt"},
            {"decision": "retenu", "rationale": "Dossier solide", "ecart_au_vote": "Le jury a reconsidéré",
             "seance": 1, "vote": 2, "decompte": {"retenu": 2, "ajourné – accompagnement proposé": 0,
                                                  "non retenu": 4, "abstention": 1}}),
     "Hélène Marchetti a enregistré la décision « retenu » pour Vittel (88) (auparavant « non retenu ») : "
     "motivation « Dossier solide » ; vote : 2 retenu, 4 non retenu, 1 abstention ; "
     "écart au vote : « Le jury a reconsidéré »"),
    (_entry("import", "workbook", "demo_ami.xlsx", None,
            {"source": "demo_ami.xlsx", "tables": {"dossiers": {"added": 85, "updated": 2, "unchanged": 0},
                                                   "ratings": {"added": 5100, "updated": 0, "unchanged": 0},
                                                   "calls": {"added": 0, "updated": 0, "unchanged": 1}}},
            "admin"),
     "Secrétariat a importé « demo_ami.xlsx » : dossiers : 85 ajouts, 2 modifications ; notes : 5\u202f100 ajouts"),
    (_entry("import", "workbook", "demo_ami.xlsx", None,
            {"source": "demo_ami.xlsx", "tables": {"calls": {"added": 0, "updated": 0, "unchanged": 1}}}, "admin"),
     "Secrétariat a importé « demo_ami.xlsx » : rien de nouveau"),
    (_entry("ajout de pièce", "document", "AMI1-064/lettre.pdf", None,
            {"document_id": 4, "file_name": "lettre.pdf", "kind": "pdf", "size_bytes": 2048, "sha256": "ab",
             "source": "pieces.zip"}, "admin"),
     "Secrétariat a ajouté la pièce « lettre.pdf » (PDF, 2\u00a0Kio) au dossier Vittel (88)"),
    (_entry("retrait de pièce", "document", "AMI1-064/lettre.pdf",
            {"document_id": 4, "file_name": "lettre.pdf", "kind": "pdf", "size_bytes": 2048, "sha256": "ab",
             "added_by": "admin", "added_at": "2026-12-01T10:00:00"}, {"reason": "Pièce illisible"}, "admin"),
     "Secrétariat a retiré la pièce « lettre.pdf » du dossier Vittel (88) : motif « Pièce illisible »"),
    (_entry("répartition des rapporteurs", "rapporteurs", "AMI1", None,
            {"par_dossier": 2, "plafond": 20, "avec_presidence": True, "dossiers": 79, "gardes_a_la_main": 3,
             "retires_a_la_main": 0, "charges": {"JUR-02": 20}, "rapporteurs": ["AMI1-064:JUR-02"]}, "admin"),
     "Secrétariat a réparti les rapporteurs de l'appel « AMI 1 — 2019 » : 2 par dossier pour 79 dossiers, "
     "au plus 20 dossiers par juré, présidence comprise, 3 désigné(s) à la main gardé(s)"),
    (_entry("rapporteur remplacé", "rapporteurs", "AMI1-064", {"rapporteur": "JUR-02"},
            {"rapporteur": "JUR-04", "a_la_main": True}, "admin"),
     "Secrétariat a remplacé Paul Durand par Olivier Castaing comme rapporteur de Vittel (88)"),
    (_entry("notation réservée aux rapporteurs", "rapporteurs", "AMI1", {"rapporteurs_seulement": False},
            {"rapporteurs_seulement": True}, "admin"),
     "Secrétariat a réservé la notation de l'appel « AMI 1 — 2019 » aux rapporteurs de chaque dossier"),
    (_entry("notation ouverte à tous", "rapporteurs", "AMI1", {"rapporteurs_seulement": True},
            {"rapporteurs_seulement": False}, "admin"),
     "Secrétariat a ouvert la notation de l'appel « AMI 1 — 2019 » à tout le jury"),
    (_entry("récusation", "recusal", "JUR-04/AMI1-064", None,
            {"reason": "Élu de la commune", "declared_on": "2019-09-01",
             "ratings_no_longer_counted": [{"criterion_id": "J01", "score": 4, "version": 1}]}, "admin"),
     "Secrétariat a récusé Olivier Castaing pour Vittel (88) (déclarée le 01/09/2019) : motif « Élu de la commune » ; "
     "sa note déjà donnée ne compte plus"),
    (_entry("levée de récusation", "recusal", "JUR-04/AMI1-064",
            {"reason": "Élu de la commune", "declared_on": "2019-09-01"}, None, "admin"),
     "Secrétariat a levé la récusation d'Olivier Castaing pour Vittel (88) (motif d'origine : « Élu de la commune »)"),
    (_entry("déclaration sans conflit", "conflict_declaration", "JUR-02/AMI2-P1", None,
            {"declared_on": "2020-11-01"}, "admin"),
     "Secrétariat a enregistré la déclaration sans conflit d'intérêts de Paul Durand pour l'appel "
     "« AMI 2 — phase 1 » (déclarée le 01/11/2020)"),
    (_entry("création de compte", "user", "paul.durand", None,
            {"name": "Paul Durand", "role": "jure", "organisation": "UIMM", "juror_id": "JUR-02"}, "admin"),
     "Secrétariat a créé le compte « paul.durand » de Paul Durand (juré·e, UIMM)"),
    (_entry("changement de mot de passe", "user", "paul.durand", actor="admin"),
     "Secrétariat a changé le mot de passe de Paul Durand"),
    (_entry("changement de mot de passe", "user", "paul.durand", actor="paul.durand"),
     "Paul Durand a changé son mot de passe"),
    (_entry("échec de connexion", "user", "paul.durand", None, {"motif": "mot de passe incorrect"}, "paul.durand"),
     "Connexion refusée pour Paul Durand : mot de passe incorrect"),
    (_entry("migration du schéma", "schema", "10", None, {"versions": [9, 10], "entrees_anciennes_scellees": 0},
            "système"),
     "L'application a mis à jour le schéma de la base en version 10 (étapes 9, 10)"),
    (_entry("modification hors de l'application", "journal", None, {"etat": "aa"},
            {"etat": "bb", "depuis_entree": 117}, "système"),
     "L'application a constaté, à l'ouverture de la base, que ses données avaient été modifiées hors de "
     "l'application depuis l'entrée n° 117"),
    # the séance
    (_seance("ouverture de la séance", appel="AMI1", lieu="Cnam, Paris", taille_liste=55,
             ordre_du_jour=["AMI1-064", "AMI1-010"], reglages_officiels={"version": 1}),
     "Hélène Marchetti a ouvert la séance « Séance du 05/09/2019 » de l'appel « AMI 1 — 2019 » : "
     "2 dossiers à l'ordre du jour, liste restreinte de 55, lieu : Cnam, Paris"),
    (_seance("clôture de la séance", dossier_en_discussion="AMI1-064"),
     "Hélène Marchetti a clos la séance « Séance du 05/09/2019 »"),
    (_seance("réouverture de la séance", close_le="2019-09-05T18:30:00", close_par="Hélène Marchetti"),
     "Hélène Marchetti a rouvert la séance « Séance du 05/09/2019 », close le 05/09/2019 à 18:30 par "
     "Hélène Marchetti"),
    (_seance("présence", jure="JUR-02", presence="excusé", avant="absent"),
     f"Hélène Marchetti a pointé Paul Durand excusé·e (auparavant absent·e) {SEANCE}"),
    (_seance("départ d'un juré", jure="JUR-04"), f"Hélène Marchetti a noté le départ d'Olivier Castaing {SEANCE}"),
    (_seance("ordre du jour modifié", dossier="AMI1-064", de=3, a=1),
     f"Hélène Marchetti a déplacé Vittel (88) dans l'ordre du jour de la position 3 à la position 1 {SEANCE}"),
    (_seance("ordre du jour modifié", dossier_retire="AMI1-064", motif="Autre dossier", detail=None),
     f"Hélène Marchetti a retiré Vittel (88) de l'ordre du jour {SEANCE}"),
    (_seance("ordre du jour modifié", dossier_ajoute="AMI1-010"),
     f"Hélène Marchetti a ajouté Auxerre (89) à l'ordre du jour {SEANCE}"),
    (_seance("dossier en discussion", avant=None, dossier_en_discussion="AMI1-064"),
     f"Hélène Marchetti a mis Vittel (88) en discussion {SEANCE}"),
    (_seance("dossier en discussion", avant="AMI1-064", dossier_en_discussion=None),
     f"Hélène Marchetti a clos la discussion : plus aucun dossier en discussion {SEANCE}"),
    (_seance("ouverture du vote", vote=3, dossier="AMI1-064", votants_possibles=7),
     f"Hélène Marchetti a ouvert le vote n° 3 sur Vittel (88) : 7 votants possibles {SEANCE}"),
    (_entry("participation au vote", "seance", "1", None, {"seance": "Séance du 05/09/2019", "par": "Paul Durand",
                                                           "vote": 3, "jure": "JUR-02"}, "paul.durand"),
     f"Paul Durand a pris part au vote n° 3 sur Vittel (88) {SEANCE}"),
    (_seance("clôture du vote", vote=3, decompte={"retenu": 5, "ajourné – accompagnement proposé": 0,
                                                  "non retenu": 1, "abstention": 1}),
     f"Hélène Marchetti a clos le vote n° 3 sur Vittel (88) : 5 retenu, 1 non retenu, 1 abstention {SEANCE}"),
    (_seance("vote annulé", vote=3, motif="annulé par la présidence"),
     f"Hélène Marchetti a annulé le vote n° 3 sur Vittel (88) {SEANCE}"),
    (_seance("vote annulé", votes_annules=[2, 3], motif="le serveur a redémarré pendant le vote"),
     f"Hélène Marchetti a consigné l'annulation des votes n° 2, n° 3 : le serveur a redémarré pendant le vote "
     f"{SEANCE}"),
    (_seance("réglages officiels", changement="pondération : méthode Somme pondérée → TOPSIS", version=2,
             avant={"version": 1}, apres={"version": 2}),
     f"Hélène Marchetti a modifié les réglages officiels, version 2 — pondération : méthode Somme pondérée → TOPSIS "
     f"{SEANCE}"),
    (_seance("décision", dossier="AMI1-064", decision="retenu", vote=3),
     f"Hélène Marchetti a consigné la décision « retenu » sur Vittel (88) après le vote n° 3 {SEANCE}"),
]


@pytest.mark.parametrize(("entry", "expected"), CASES, ids=lambda c: c.action if isinstance(c, JournalEntry) else "")
def test_every_action_gives_its_sentence_with_names(entry: JournalEntry, expected: str) -> None:
    assert entry_sentence(entry, NAMES) == expected


def _store_actions() -> dict[str, set[str]]:
    """The actions `dashboard/store` writes, read from its sources: the séance's (`_seance_write`,
    `_record_change`) and the others (`_append_audit`), constants resolved."""
    from dashboard.store import base, journal

    constants = {"LOGIN_FAILURE": base.LOGIN_FAILURE, "OUTSIDE_CHANGE": journal.OUTSIDE_CHANGE,
                 "INCONSISTENCY_ACCEPTED": INCONSISTENCY_ACCEPTED}
    argument = {"_append_audit": (1, "other"), "_seance_write": (2, "seance"), "_record_change": (3, "seance")}
    found: dict[str, set[str]] = {"other": set(), "seance": set()}
    for path in sorted((REPO_ROOT / "dashboard" / "store").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in argument and len(node.args) > argument[node.func.attr][0]):
                continue
            index, kind = argument[node.func.attr]
            value = node.args[index]
            for leaf in (value.body, value.orelse) if isinstance(value, ast.IfExp) else (value,):
                if isinstance(leaf, ast.Constant):
                    found[kind].add(str(leaf.value))
                elif isinstance(leaf, ast.Name | ast.Attribute):
                    name = leaf.id if isinstance(leaf, ast.Name) else leaf.attr
                    if name != "action":  # `_record_change` passing its own argument on
                        found[kind].add(constants[name])
    return found


def test_every_action_the_store_writes_has_its_phrasing_and_a_case_here() -> None:
    written = _store_actions()
    assert written["other"] - set(journal_text.PHRASINGS) == set()
    assert written["seance"] - set(journal_text.SEANCE_PHRASINGS) - set(journal_text.SEANCE_OWN_PHRASINGS) == set()
    tested = {entry.action for entry, _ in CASES}
    assert written["other"] | written["seance"] <= tested
    assert len(written["other"]) >= 19 and len(written["seance"]) >= 13


def test_the_keys_are_the_stores() -> None:
    from dashboard.store import base, journal
    from dashboard.store.seance import SEANCE_ENTITY

    assert journal_text.SEANCE_ENTITY == SEANCE_ENTITY
    assert journal_text.SYSTEM_ACTOR == journal.SYSTEM_ACTOR
    assert journal_text.OUTSIDE_CHANGE == journal.OUTSIDE_CHANGE
    assert journal_text.LOGIN_FAILURE == base.LOGIN_FAILURE


def test_an_unknown_action_names_its_action_and_object() -> None:
    entry = _entry("archivage", "dossier_archive", "AMI1/AMI1-064", None, {"raison": "fin de l'appel"})
    assert entry_sentence(entry, NAMES) == "Hélène Marchetti : archivage — l'appel « AMI 1 — 2019 » / Vittel (88)"
    assert entry_sentence(_entry("purge", "cache", None, actor="système"), NAMES) == "L'application : purge"
    assert entry_sentence(_entry("pause", "seance", "1"), NAMES) == f"Hélène Marchetti : pause — 1 {SEANCE}"


@pytest.mark.parametrize("after", [
    "pas du JSON {", "[1, 2]", json.dumps({"score": "quatre", "comment": ["x"]}), json.dumps({"decompte": "x"}),
    json.dumps({"tables": [1]}), json.dumps({"kind": {"a": 1}}), json.dumps({"declared_on": "hier"}),
    json.dumps({"versions": "9", "votes_annules": None, "ordre_du_jour": 3}),
])
def test_an_unexpected_payload_still_gives_a_sentence_without_json(after: str) -> None:
    actions = [(a, "x") for a in journal_text.PHRASINGS] + [(a, "seance") for a in journal_text.SEANCE_PHRASINGS] + \
        [(a, "seance") for a in journal_text.SEANCE_OWN_PHRASINGS]
    for action, entity in actions:
        sentence = entry_sentence(JournalEntry(action, entity, "JUR-02/AMI1-064/J01", after, after, "paul.durand"),
                                  NAMES)
        assert sentence and "{" not in sentence and "[" not in sentence, (action, sentence)
    decision = JournalEntry("décision", "decision", "AMI1/AMI1-064", None, json.dumps({"decompte": {"retenu": "x"}}),
                            "helene.marchetti")
    assert entry_sentence(decision, NAMES) == "Hélène Marchetti : décision — l'appel « AMI 1 — 2019 » / Vittel (88)"
    recusal = _entry("récusation", "recusal", "JUR-04/AMI1-064", None, {"reason": "x", "declared_on": "hier"})
    assert "(déclarée le hier)" in entry_sentence(recusal, NAMES)


def test_missing_names_fall_back_to_the_keys() -> None:
    rating = _entry("notation", "rating", "JUR-99/AMI9-001/J42", None, {"score": 4, "comment": None, "version": 1},
                    "inconnu")
    assert entry_sentence(rating, NAMES) == "Inconnu a noté AMI9-001 sur « J42 » : 4"
    assert author_name("inconnu", NAMES) == "Inconnu"
    swap = _entry("rapporteur remplacé", "rapporteurs", "AMI1-777", {"rapporteur": "JUR-98"}, {"rapporteur": "JUR-99"})
    assert entry_sentence(swap, NAMES) == "Hélène Marchetti a remplacé JUR-98 par JUR-99 comme rapporteur de AMI1-777"
    unknown_seance = _entry("présence", "seance", "7", None, {"jure": "JUR-02", "presence": "présent"})
    assert entry_sentence(unknown_seance, NAMES) == "Hélène Marchetti a pointé Paul Durand présent·e (séance « n° 7 »)"
    assert entry_call(unknown_seance, NAMES) is None
    empty = JournalNames()
    assert entry_sentence(CASES[4][0], empty) == ("Helene.marchetti a écarté AMI1-064 de la liste restreinte : "
                                                   "motif « Projet déjà financé »")


def test_the_call_of_each_kind_of_entry() -> None:
    calls = {entry.entity: entry_call(entry, NAMES) for entry, _ in CASES}
    assert calls == {"rating": "AMI1", "weight_profile": "AMI1", "shortlist_forcing": "AMI1", "decision": "AMI1",
                     "workbook": None, "document": "AMI1", "rapporteurs": "AMI1", "recusal": "AMI1",
                     "conflict_declaration": "AMI2-P1", "user": None, "schema": None, "journal": None,
                     "seance": "AMI1"}
    other = _entry("notation", "rating", "JUR-02/AMI2-P1-003/J01", None, {"score": 1})
    assert entry_call(other, NAMES) == "AMI2-P1"


def test_action_labels_and_authors() -> None:
    assert action_label("notation", "rating") == "Notation"
    assert action_label("import", "workbook") == "Import de données"
    assert action_label("présence", "seance") == "Séance : présence"
    assert action_label("ouverture de la séance", "seance") == "Ouverture de la séance"
    assert action_label("décision", "seance") != action_label("décision", "decision")
    assert author_name("système", NAMES) == "L'application"
    assert author_name("paul.durand", NAMES) == "Paul Durand"


def test_the_log_described_latest_first_and_its_raw_detail() -> None:
    entries = [CASES[0][0], CASES[4][0], _entry("modification hors de l'application", "journal", None, None, None,
                                                  "système")]
    log = pd.DataFrame({
        "audit_id": [1, 2, 3], "occurred_at": [datetime(2019, 9, 26, 14, 3)] * 3,
        "actor": [e.actor for e in entries], "action": [e.action for e in entries],
        "entity": [e.entity for e in entries], "entity_id": [e.entity_id for e in entries],
        "before": [e.before for e in entries], "after": [float("nan") if e.after is None else e.after for e in entries],
    })
    described = described_log(log, NAMES)
    assert described["audit_id"].tolist() == [3, 2, 1]
    assert described["author"].tolist() == ["L'application", "Hélène Marchetti", "Paul Durand"]
    assert described["call_id"].tolist() == [None, "AMI1", "AMI1"]
    assert described["sentence"].iloc[0] == ("L'application a constaté, à l'ouverture de la base, que ses données "
                                             "avaient été modifiées hors de l'application")
    assert described["action_label"].tolist() == ["Modification hors de l'application",
                                                  "Forçage de la liste restreinte", "Notation"]
    detail = raw_details(described.head(2))
    assert detail[0] == ("n° 3 · action « modification hors de l'application » · journal – · par système\n"
                         "avant : –\naprès : –")
    assert detail[1].startswith("n° 2 · action « forçage de la liste restreinte » · shortlist_forcing "
                                "AMI1/AMI1-064 · par helene.marchetti\navant : –\naprès : {\n"
                                '  "justification": "Projet déjà financé",')
