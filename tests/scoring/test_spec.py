"""The spec: JSON structure, typed object, weights and French errors."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from scoring import CriterionSpec, Direction, Preference, ScoringError, Spec, parse_spec

VALID: dict[str, Any] = {
    "method": "promethee2",
    "criteria": [
        {"id": "C1", "direction": "max", "weight": 3, "preference": {"function": "linear", "q": 0.5, "p": 2}},
        {"id": "C2", "direction": "min", "weight": 1},
    ],
    "params": {"v": 0.3, "missing": "worst"},
}


def test_parse_valid_spec() -> None:
    spec = parse_spec(VALID)
    assert spec.method == "promethee2"
    assert spec.ids == ["C1", "C2"]
    assert spec.criteria[0] == CriterionSpec("C1", Direction.MAX, 3.0, Preference("linear", 0.5, 2.0))
    assert spec.criteria[1].preference == Preference()  # usual by default
    assert spec.maximise.tolist() == [True, False]
    np.testing.assert_allclose(spec.weights, [0.75, 0.25])
    assert spec.v == 0.3 and spec.missing == "worst"


def test_defaults_and_round_trip() -> None:
    spec = parse_spec({"method": "wsm", "criteria": [{"id": "a", "direction": "max", "weight": 1}]})
    assert spec.v == 0.5 and spec.missing == "error"
    assert parse_spec(spec) is spec
    assert parse_spec(parse_spec(VALID).to_dict()) == parse_spec(VALID)
    assert parse_spec(VALID).to_dict()["params"] == {"v": 0.3, "missing": "worst"}


def test_with_weights() -> None:
    spec = parse_spec(VALID)
    by_id = spec.with_weights({"C1": 1, "C2": 1})
    np.testing.assert_allclose(by_id.weights, [0.5, 0.5])
    by_array = spec.with_weights(np.array([0.2, 0.8]))
    np.testing.assert_allclose(by_array.weights, [0.2, 0.8])
    assert by_array.criteria[0].preference == spec.criteria[0].preference
    assert spec.weights.tolist() == [0.75, 0.25]  # the original is unchanged (frozen)
    with pytest.raises(ScoringError, match="critère inconnu : C9"):
        spec.with_weights({"C1": 1, "C2": 1, "C9": 1})
    with pytest.raises(ScoringError, match="Poids manquant pour le critère : C2"):
        spec.with_weights({"C1": 1})
    with pytest.raises(ScoringError, match="doit avoir 2 valeurs"):
        spec.with_weights(np.ones(3))
    with pytest.raises(ScoringError, match="positif ou nul"):
        spec.with_weights(np.array([1.0, -1.0]))


def test_zero_total_weight() -> None:
    spec = parse_spec(VALID).with_weights({"C1": 0, "C2": 0})
    with pytest.raises(ScoringError, match="La somme des poids est nulle"):
        _ = spec.weights


def test_spec_is_frozen() -> None:
    spec = parse_spec(VALID)
    with pytest.raises(AttributeError):
        spec.method = "wsm"  # type: ignore[misc]


def mutate(path: list[Any], value: Any) -> dict[str, Any]:
    spec = copy.deepcopy(VALID)
    target: Any = spec
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return spec


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ([1, 2], "doit être un objet JSON"),
        (mutate(["method"], "ahp"), "« method » inconnue : 'ahp'"),
        (mutate(["colour"], "red"), "clé inconnue « colour »"),
        (mutate(["criteria"], []), "« criteria » doit être une liste non vide"),
        (mutate(["criteria", 0], "C1"), "Critère n° 1 : un objet est attendu"),
        (mutate(["criteria", 0, "id"], ""), "« id » doit être un texte non vide"),
        (mutate(["criteria", 0, "id"], KeyError), "la clé « id » est obligatoire"),
        (mutate(["criteria", 1, "id"], "C1"), "Le critère « C1 » apparaît deux fois"),
        (
            mutate(["criteria", 0, "direction"], "up"),
            "Critère « C1 » : « direction » doit valoir « max » ou « min », reçu 'up'",
        ),
        (mutate(["criteria", 0, "weight"], KeyError), "Critère « C1 » : la clé « weight » est obligatoire"),
        (mutate(["criteria", 0, "weight"], "lourd"), "Critère « C1 » : « weight » doit être un nombre, reçu 'lourd'"),
        (mutate(["criteria", 0, "weight"], -1), "« weight » doit être positif ou nul, reçu -1"),
        (mutate(["criteria", 0, "weight"], float("nan")), "« weight » doit être un nombre fini"),
        (mutate(["criteria", 0, "weight"], True), "« weight » doit être un nombre, reçu True"),
        (mutate(["criteria", 0, "colour"], 1), "Critère n° 1 : clé inconnue « colour »"),
        (mutate(["criteria", 0, "preference"], "linear"), "« preference » doit être un objet"),
        (mutate(["criteria", 0, "preference", "function"], "gaussian"), "« preference.function » inconnue 'gaussian'"),
        (
            mutate(["criteria", 0, "preference", "p"], 0.5),
            "le seuil de préférence p \\(0.5\\) doit être strictement supérieur",
        ),
        (mutate(["criteria", 0, "preference", "q"], -1), "« q » doit être positif ou nul"),
        (
            mutate(["criteria", 0, "preference"], {"function": "vshape", "p": 0}),
            "« vshape » : le seuil de préférence p doit être strictement positif",
        ),
        (mutate(["params"], 3), "« params » doit être un objet"),
        (mutate(["params", "v"], 2), "« params.v » doit être compris entre 0 et 1, reçu 2"),
        (mutate(["params", "missing"], "drop"), "« params.missing » inconnu : 'drop'"),
        (mutate(["params", "alpha"], 1), "« params » : clé inconnue « alpha »"),
    ],
)
def test_bad_specs_are_named_in_french(spec: Any, message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        parse_spec(spec)


def test_typed_objects_validate_too() -> None:
    with pytest.raises(ScoringError, match="Méthode inconnue"):
        Spec("electre", (CriterionSpec("a", Direction.MAX, 1.0),))
    with pytest.raises(ScoringError, match="au moins un critère"):
        Spec("wsm", ())
    with pytest.raises(ScoringError, match="direction invalide"):
        CriterionSpec("a", "max", 1.0)  # type: ignore[arg-type]
    with pytest.raises(ScoringError, match="Fonction de préférence inconnue"):
        Preference("level")  # type: ignore[arg-type]
    assert isinstance(ScoringError("x"), ValueError)
