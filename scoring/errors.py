"""Errors raised by the decision engine.

This module owns the engine's single exception type. Every error says, in
French, what was expected and what was found, so that the dashboard and the
CLI can show it to the user unchanged.
"""

from __future__ import annotations

__all__ = ["ScoringError", "shown"]


class ScoringError(ValueError):
    """Bad input to the engine; the message is French and user-facing."""


def shown(value: object) -> str:
    """A value as quoted in an error message: repr of the plain Python value (no ``np.float64(...)``)."""
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy":
        value = item()
    return repr(value)
