"""Shared helpers for the scoring tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import pytest


def build_spec(
    method: str,
    matrix: pd.DataFrame,
    weights: Sequence[float] | None = None,
    directions: Sequence[str] | None = None,
    preferences: Sequence[dict[str, Any]] | None = None,
    **params: Any,
) -> dict[str, Any]:
    """The JSON spec for `matrix` (criteria = its columns), max and equal weights by default."""
    columns = [str(c) for c in matrix.columns]
    weights = [1.0] * len(columns) if weights is None else list(weights)
    directions = ["max"] * len(columns) if directions is None else list(directions)
    criteria = []
    for i, cid in enumerate(columns):
        criterion: dict[str, Any] = {"id": cid, "direction": directions[i], "weight": weights[i]}
        if preferences is not None:
            criterion["preference"] = preferences[i]
        criteria.append(criterion)
    spec: dict[str, Any] = {"method": method, "criteria": criteria}
    if params:
        spec["params"] = params
    return spec


@pytest.fixture
def make_spec():
    """`build_spec` as a fixture: make_spec(method, matrix, weights, directions, preferences, **params)."""
    return build_spec
