"""The séance's votes, as pure rules: the four choices, a tally and its plurality, and
whether a decision departs from the vote.

A juror votes « retenu », « ajourné – accompagnement proposé », « non retenu » or
« abstention ». The **plurality** of a tally is the set of decisions (abstention left
out) that gathered the most votes: one decision, several on a tie, none when every
voter abstained. A decision **departs from the vote** when the tally has a plurality
and the decision is not in it; the store then requires the reason (`departure`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dashboard.core.formatting import fr_number

# The jury's decisions on a dossier (the store's `DECISIONS` are these).
DECISIONS: tuple[str, ...] = ("retenu", "ajourné – accompagnement proposé", "non retenu")
ABSTENTION = "abstention"
VOTE_CHOICES: tuple[str, ...] = (*DECISIONS, ABSTENTION)
# The tally's column for each choice in `seance_votes`.
TALLY_COLUMNS: dict[str, str] = {
    "retenu": "retenu", "ajourné – accompagnement proposé": "ajourne", "non retenu": "non_retenu",
    ABSTENTION: "abstention",
}


@dataclass(frozen=True)
class Tally:
    """How many ballots each choice received (never who cast them)."""

    counts: tuple[int, ...]  # in the order of `VOTE_CHOICES`

    @classmethod
    def of_ballots(cls, ballots: Iterable[str]) -> Tally:
        """Count the ballots (choices only: the caller passes no voter)."""
        cast = list(ballots)
        unknown = sorted(set(cast) - set(VOTE_CHOICES))
        if unknown:
            raise ValueError(f"Choix de vote inconnu(s) : {', '.join(unknown)}.")
        return cls(tuple(cast.count(choice) for choice in VOTE_CHOICES))

    @classmethod
    def of_counts(cls, counts: Mapping[str, int]) -> Tally:
        return cls(tuple(int(counts.get(choice, 0)) for choice in VOTE_CHOICES))

    def count(self, choice: str) -> int:
        return self.counts[VOTE_CHOICES.index(choice)]

    @property
    def total(self) -> int:
        return sum(self.counts)

    def as_dict(self) -> dict[str, int]:
        return dict(zip(VOTE_CHOICES, self.counts, strict=True))

    def plurality(self) -> tuple[str, ...]:
        """The decisions with the most votes, abstentions left out (empty when none was cast)."""
        votes = {decision: self.count(decision) for decision in DECISIONS}
        most = max(votes.values())
        return () if most == 0 else tuple(d for d in DECISIONS if votes[d] == most)

    def departs(self, decision: str) -> bool:
        """Whether `decision` departs from the vote (see the module docstring)."""
        plurality = self.plurality()
        return bool(plurality) and decision not in plurality

    def sentence(self) -> str:
        """« retenu : 4 · ajourné – accompagnement proposé : 1 · non retenu : 2 · abstention : 0 (7 votes) »."""
        parts = " · ".join(f"{choice} : {fr_number(n)}" for choice, n in zip(VOTE_CHOICES, self.counts, strict=True))
        return f"{parts} ({fr_number(self.total)} vote{'s' if self.total > 1 else ''})"

    def count_sentence(self) -> str:
        """« 5 retenu, 2 non retenu, 1 abstention », the choices no one made left out (the minutes' words)."""
        parts = [f"{fr_number(n)} {choice}{'s' if choice == ABSTENTION and n > 1 else ''}"
                 for choice, n in zip(VOTE_CHOICES, self.counts, strict=True) if n]
        return ", ".join(parts) if parts else "aucun bulletin"

    def plurality_sentence(self) -> str:
        """What the vote says, in words, for the decision form."""
        plurality = self.plurality()
        if not plurality:
            return "Aucune voix exprimée (uniquement des abstentions) : le vote ne désigne aucune décision."
        if len(plurality) == 1:
            return f"Majorité relative des voix exprimées : « {plurality[0]} »."
        tied = " », « ".join(plurality)
        return f"Égalité des voix exprimées entre « {tied} »."
