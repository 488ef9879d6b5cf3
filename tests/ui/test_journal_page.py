"""AppTest of /journal on the demo database: the lines in French sentences with people's and
towns' names (no internal key in the table), the filters by call (an entry of no call under
every call), author, action and text, French placeholders, and the raw detail kept apart."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from dashboard.store import Store
from tests.helpers.apptest import PAGES, account, signed_in_page
from tests.helpers.rendered import rendered

PAGE = PAGES / "journal.py"
SENTENCE = "Ce qui s'est passé"


def _table(at: AppTest) -> pd.DataFrame:
    assert not at.exception
    return at.dataframe[0].value


def test_the_journal_reads_in_sentences_with_names_and_filters_by_call(demo_app_store: Store) -> None:
    store = demo_app_store
    president = account(store, "helene.marchetti")
    other_call = str(store.dossiers(president, "AMI2-P1")["dossier_id"].iloc[0])
    store.set_forcing(president, "AMI1", "AMI1-006", "force_out", "Projet déjà financé")
    store.record_decision(president, "AMI1", "AMI1-002", "retenu", "Dossier solide")
    store.set_forcing(president, "AMI2-P1", other_call, "force_in", "Seul dossier de sa région")
    town, elsewhere = store.dossier_label("AMI1-006"), store.dossier_label(other_call)
    assert town.endswith(")") and town != "AMI1-006"

    at = signed_in_page(PAGE, president, "AMI1").run()
    table = _table(at)
    assert list(table.columns) == ["N°", "Date", "Auteur", SENTENCE]
    sentences = table[SENTENCE].tolist()
    assert f"Hélène Marchetti a écarté {town} de la liste restreinte : motif « Projet déjà financé »" in sentences
    decided = store.dossier_label("AMI1-002")
    assert any(s.startswith(f"Hélène Marchetti a enregistré la décision « retenu » pour {decided}") for s in sentences)
    assert "Hélène Marchetti" in set(table["Auteur"]) and "helene.marchetti" not in set(table["Auteur"])
    assert table["N°"].iloc[0] > table["N°"].iloc[-1]  # latest first
    assert table["Date"].str.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d").all()
    everything = " ".join(table.astype(str).to_numpy().ravel())
    for key in ("shortlist_forcing", "decision AMI1/", "AMI1/AMI1-", "force_out", '{"'):
        assert key not in everything
    assert all(w.proto.placeholder == "Choisir…" for w in [*at.selectbox, *at.multiselect])

    at.selectbox(key="journal_call").set_value("AMI2-P1").run()
    sentences = _table(at)[SENTENCE].tolist()
    assert f"Hélène Marchetti a imposé {elsewhere} dans la liste restreinte : motif « Seul dossier de sa région »" \
        in sentences
    assert not any(town in s for s in sentences)
    # the entries of no call show under every call
    assert any(s.startswith("Opérateur (ligne de commande) a importé « demo_ami.xlsx » : ") for s in sentences)
    assert any(s.startswith("Opérateur (ligne de commande) a créé le compte « helene.marchetti » d'Hélène Marchetti")
               for s in sentences)

    at.selectbox(key="journal_call").set_value("AMI1").run()
    sentences = _table(at)[SENTENCE].tolist()
    assert not any(elsewhere in s for s in sentences) and any(town in s for s in sentences)


def test_the_author_action_and_text_filters_and_the_raw_detail(demo_app_store: Store) -> None:
    store = demo_app_store
    president = account(store, "helene.marchetti")
    store.set_forcing(president, "AMI1", "AMI1-006", "force_out", "Projet déjà financé")
    store.set_forcing(president, "AMI1", "AMI1-007", "force_in", "Seul dossier de sa région")

    at = signed_in_page(PAGE, president, "AMI1").run()
    total = len(_table(at))
    at.multiselect(key="journal_actor").set_value(["Hélène Marchetti"]).run()
    assert len(_table(at)) == 2
    at.multiselect(key="journal_actor").set_value([]).run()
    at.multiselect(key="journal_action").set_value(["Forçage de la liste restreinte"]).run()
    assert len(_table(at)) == 2
    at.text_input(key="journal_text").set_value("DÉJÀ FINANCÉ").run()
    [line] = _table(at)[SENTENCE].tolist()
    assert line.startswith("Hélène Marchetti a écarté ")
    assert rendered(at.caption[-2].value) == f"1 ligne(s) sur {total}"

    [detail] = [e for e in at.expander if e.label == "Détail brut des lignes affichées"]
    [code] = detail.code
    assert code.value.startswith("n° ") and "shortlist_forcing AMI1/AMI1-006" in code.value
    assert '"justification": "Projet déjà financé"' in code.value
    assert at.button(key="journal_verify").label == "Vérifier l'intégrité du journal"
