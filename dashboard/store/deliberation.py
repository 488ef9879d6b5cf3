"""The séance's deliberation: secret votes, the official weights and constraints in
versions, and the jury's decisions with their history.

**Secret votes.** The president opens a vote on the dossier under discussion when its
quorum is reached. Each present juror who is not recused from it casts a ballot from
their own device and may change it until the vote closes. The ballots live only in this
process's memory (`BALLOTS`, under the vote's random `ballot_box` key): what is written
is who took part, once per juror (never what, nor when), and at the close the tally, four
counts; the ballots are then dropped. Nothing else is written or logged of a ballot, so
neither a user, nor a reader of the database file, a backup or the logs, learns who chose
what. A vote left open by a process that ended (a restart) has no ballots any more: it
is void, and recorded so at the séance's next change (`record_interrupted_votes`).

**Official settings.** Opening a séance writes version 1 of its official weight profile
and shortlist constraints (with the call's forcings as they stood); from then on only
the president changes them, each change a new version journalled with the name, the
time, before and after; a forcing set or lifted during the séance is a version too.

**Decisions.** A decision recorded while the call's séance is open carries the séance and
the latest closed vote on the dossier, whose tally it must follow or say why it departs
from it (`core.votes.Tally.departs`). The latest decision is the current one; every one
stays in `decision_history`. A decision taken in a séance is superseded only by a later
séance's (or the same séance's correction), never by one recorded outside a séance.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from dashboard.core.formatting import display_name
from dashboard.core.seance import dossier_quorum
from dashboard.core.votes import DECISIONS, TALLY_COLUMNS, VOTE_CHOICES, Tally
from dashboard.errors import AccessDenied, SeanceChanged, StoreError
from dashboard.store.access import Actor, require, require_juror
from dashboard.store.base import writes_held
from dashboard.store.seance import SeanceRecord, SeanceRecords

OPEN, CLOSED, VOID = "ouvert", "clos", "annulé"
RESTART_REASON = ("le serveur a redémarré pendant le vote : les bulletins, gardés en mémoire seulement, "
                  "sont perdus")
CANCEL_REASON = "annulé par la présidence"


class BallotBox:
    """The ballots of the open votes, in this process's memory only: vote key → juror → choice."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._boxes: dict[str, dict[str, str]] = {}

    def open(self, key: str) -> None:
        with self._lock:
            self._boxes[key] = {}

    def knows(self, key: str) -> bool:
        with self._lock:
            return key in self._boxes

    def put(self, key: str, juror_id: str, choice: str) -> None:
        with self._lock:
            self._boxes[key][juror_id] = choice

    def ballot(self, key: str, juror_id: str) -> str | None:
        with self._lock:
            return self._boxes.get(key, {}).get(juror_id)

    def has_voted(self, key: str, juror_id: str) -> bool:
        return self.ballot(key, juror_id) is not None

    def tally(self, key: str) -> Tally:
        """The count of the box's ballots (the choices only leave it, counted)."""
        with self._lock:
            return Tally.of_ballots(self._boxes[key].values())

    def drop(self, key: str) -> None:
        with self._lock:
            self._boxes.pop(key, None)


# The process's ballot box: every store of the process shares it.
BALLOTS = BallotBox()


@dataclass(frozen=True)
class VoteRecord:
    """One vote as stored: `tally` once closed; `interrupted` when it is open in the file but its
    ballots are gone (the process that held them ended); names for `opened_by` and `ended_by`."""

    vote_id: int
    seance_id: int
    dossier_id: str
    status: str
    opened_at: datetime
    opened_by: str
    ended_at: datetime | None
    ended_by: str | None
    void_reason: str | None
    tally: Tally | None
    voters: int
    interrupted: bool

    @property
    def is_open(self) -> bool:
        return self.status == OPEN and not self.interrupted


@dataclass(frozen=True)
class OfficialSettings:
    """One version of a séance's official weight profile and constraints (forcings included)."""

    seance_id: int
    version: int
    profile: dict[str, Any]
    choices: dict[str, Any]
    forcings: list[dict[str, Any]]
    change: str
    changed_by: str
    changed_at: datetime

    @property
    def forcings_frame(self) -> pd.DataFrame:
        """The forcings as `Store.forcings` returns them."""
        columns = ["call_id", "dossier_id", "kind", "justification", "decided_by", "decided_at"]
        frame = pd.DataFrame(self.forcings, columns=columns)
        frame["decided_at"] = pd.to_datetime(frame["decided_at"])
        return frame


_VOTE_COLUMNS = ("v.vote_id, v.seance_id, v.dossier_id, v.status, v.opened_at, coalesce(o.name, v.opened_by), "
                 "v.ended_at, coalesce(e.name, v.ended_by), v.void_reason, v.retenu, v.ajourne, v.non_retenu, "
                 "v.abstention, (SELECT count(*) FROM seance_vote_participation p WHERE p.vote_id = v.vote_id), "
                 "v.ballot_box")
_VOTE_FROM = ("FROM seance_votes v LEFT JOIN users o ON o.login = v.opened_by "
              "LEFT JOIN users e ON e.login = v.ended_by")
_DECISION_COLUMNS = "call_id, dossier_id, decision, rationale, decided_by, decided_at, seance_id, vote_id, departure"


def _vote(row: tuple[Any, ...]) -> VoteRecord:
    counts = row[9:13]
    tally = None if counts[0] is None else Tally(tuple(int(n) for n in counts))
    interrupted = row[3] == OPEN and not BALLOTS.knows(str(row[14]))
    return VoteRecord(int(row[0]), int(row[1]), str(row[2]), str(row[3]), row[4], str(row[5]), row[6], row[7],
                      row[8], tally, int(row[13]), interrupted)


class DeliberationRecords(SeanceRecords):
    """Votes, official settings and decisions (mixed into `Store`)."""

    # ------------------------------------------------------------------ names
    def dossier_label(self, dossier_id: str) -> str:
        """« Nom (dép.) » of a dossier, the way every refusal names it (its id when unknown)."""
        rows = self._rows("SELECT c.name, m.departement_code FROM dossiers d JOIN candidates c USING (candidate_id) "
                          "LEFT JOIN communes m ON m.insee_code = c.insee_code WHERE d.dossier_id = ?", [dossier_id])
        return display_name(*rows[0]) if rows else dossier_id

    # ------------------------------------------------------------------ votes: reads
    def _votes(self, where: str, params: list[Any]) -> list[VoteRecord]:
        rows = self._rows(f"SELECT {_VOTE_COLUMNS} {_VOTE_FROM} WHERE {where} ORDER BY v.vote_id DESC", params)
        return [_vote(row) for row in rows]

    def seance_votes(self, actor: Actor, seance_id: int) -> list[VoteRecord]:
        """Every vote of a séance, the latest first."""
        require(actor, "follow_seance")
        return self._votes("v.seance_id = ?", [seance_id])

    def vote(self, actor: Actor, vote_id: int) -> VoteRecord:
        require(actor, "follow_seance")
        found = self._votes("v.vote_id = ?", [vote_id])
        if not found:
            raise StoreError(f"Vote n° {vote_id} inconnu.")
        return found[0]

    def vote_participants(self, actor: Actor, vote_id: int) -> list[str]:
        """The jurors who voted (ids): who took part, never what they chose."""
        require(actor, "follow_seance")
        return [row[0] for row in self._rows(
            "SELECT juror_id FROM seance_vote_participation WHERE vote_id = ? ORDER BY juror_id", [vote_id])]

    def my_ballot(self, actor: Actor, vote_id: int) -> str | None:
        """The acting juror's own ballot in an open vote (from memory), None when they have not voted."""
        if not actor.juror_id:
            return None
        rows = self._rows("SELECT ballot_box, status FROM seance_votes WHERE vote_id = ?", [vote_id])
        if not rows or rows[0][1] != OPEN:
            return None
        return BALLOTS.ballot(str(rows[0][0]), actor.juror_id)

    def _vote_box(self, vote_id: int) -> tuple[str, str, int, str]:
        """(ballot box key, status, séance, dossier) of a vote."""
        rows = self._rows("SELECT ballot_box, status, seance_id, dossier_id FROM seance_votes WHERE vote_id = ?",
                          [vote_id])
        if not rows:
            raise StoreError(f"Vote n° {vote_id} inconnu.")
        return str(rows[0][0]), str(rows[0][1]), int(rows[0][2]), str(rows[0][3])

    def _open_vote_box(self, vote_id: int) -> tuple[str, int]:
        """(ballot box key, séance) of a vote still open in the file; refused once it ended."""
        key, status, seance_id, _ = self._vote_box(vote_id)
        if status != OPEN:
            raise StoreError(f"Le vote n° {vote_id} est déjà {status}.")
        return key, seance_id

    def _write_void(self, actor: Actor, vote_id: int, reason: str) -> None:
        """Within a transaction: the vote ends void, nothing counted, with its reason."""
        self._write("UPDATE seance_votes SET status = ?, ended_at = ?, ended_by = ?, void_reason = ? "
                    "WHERE vote_id = ?", [VOID, datetime.now(), actor.login, reason, vote_id], "seance_votes")

    def _votes_left_open(self, seance_id: int) -> list[VoteRecord]:
        """The séance's votes open in the file: the one under way, and any a restart interrupted."""
        return self._votes("v.seance_id = ? AND v.status = ?", [seance_id, OPEN])

    def _present_juror_ids(self, seance_id: int) -> list[str]:
        return [row[0] for row in self._rows(
            "SELECT juror_id FROM seance_attendance WHERE seance_id = ? AND status = 'présent' AND left_at IS NULL",
            [seance_id])]

    # ------------------------------------------------------------------ votes: writes
    def _void_interrupted(self, actor: Actor, seance_id: int) -> list[int]:
        """Within a transaction: record as void the séance's votes whose ballots are gone."""
        voided = [v.vote_id for v in self._votes_left_open(seance_id) if v.interrupted]
        for vote_id in voided:
            self._write_void(actor, vote_id, RESTART_REASON)
        return voided

    def record_interrupted_votes(self, actor: Actor, seance_id: int) -> bool:
        """Record as void the séance's votes a restart interrupted; whether there was one."""
        require(actor, "run_seance")
        if not any(v.interrupted for v in self._votes_left_open(seance_id)):
            return False

        def work(seance: SeanceRecord) -> dict[str, Any]:
            return {"votes_annules": self._void_interrupted(actor, seance_id), "motif": RESTART_REASON}
        self._seance_write(actor, seance_id, "vote annulé", work, may_be_closed=True)
        return True

    def open_vote(self, actor: Actor, seance_id: int, expected_version: int) -> VoteRecord:
        """« Ouvrir le vote » on the dossier under discussion: refused without the dossier's quorum
        (with the count), or while another vote of the séance is open."""
        require(actor, "run_seance")
        opened: list[int] = []
        key = secrets.token_hex(16)

        def work(seance: SeanceRecord) -> dict[str, Any]:
            self._void_interrupted(actor, seance_id)
            dossier_id = seance.current_dossier_id
            if dossier_id is None:
                raise StoreError("Aucun dossier en discussion : choisissez le dossier avant d'ouvrir le vote.")
            if self._votes_left_open(seance_id):  # the interrupted ones were just voided
                raise StoreError("Un vote est déjà ouvert dans cette séance : closez-le d'abord.")
            quorum = dossier_quorum(self._present_juror_ids(seance_id), self.call_juror_ids(),
                                    self.dossier_recused_juror_ids(dossier_id))
            if not quorum.reached:
                raise StoreError(f"Vote refusé sur « {self.dossier_label(dossier_id)} » : "
                                 f"{quorum.sentence('du dossier')} Pointez les présences d'abord.")
            vote_id = int(self._rows("SELECT coalesce(max(vote_id), 0) + 1 FROM seance_votes")[0][0])
            self._write("INSERT INTO seance_votes (vote_id, seance_id, dossier_id, ballot_box, status, opened_at, "
                        "opened_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [vote_id, seance_id, dossier_id, key, OPEN, datetime.now(), actor.login], "seance_votes")
            opened.append(vote_id)
            return {"vote": vote_id, "dossier": dossier_id, "votants_possibles": quorum.present}

        BALLOTS.open(key)
        try:
            self._seance_write(actor, seance_id, "ouverture du vote", work, expected_version=expected_version)
        except BaseException:
            BALLOTS.drop(key)
            raise
        return self.vote(actor, opened[0])

    def _check_voter(self, juror_id: str, seance_id: int, dossier_id: str) -> None:
        if juror_id in self.dossier_recused_juror_ids(dossier_id):
            raise AccessDenied(f"Vote refusé : vous êtes récusé·e pour le dossier « {self.dossier_label(dossier_id)} » "
                               "et ne prenez pas part à son vote.")
        if juror_id not in self._present_juror_ids(seance_id):
            raise StoreError("Vote refusé : vous n'êtes pas pointé·e présent·e à la séance ; "
                             "demandez à la présidence de noter votre présence.")

    def cast_ballot(self, actor: Actor, vote_id: int, choice: str) -> None:
        """A present, non-recused juror's ballot (or its change) in an open vote. Only the first
        ballot writes anything: that the juror took part; the choice stays in memory."""
        juror_id = require_juror(actor, "vote")
        if choice not in VOTE_CHOICES:
            raise StoreError(f"Choix de vote « {choice} » inconnu : {', '.join(VOTE_CHOICES)}.")
        with writes_held():  # no close can count the box between the check and the ballot
            key, status, seance_id, dossier_id = self._vote_box(vote_id)
            if status != OPEN or not BALLOTS.knows(key):
                raise StoreError("Ce vote est clos ou annulé : votre bulletin n'a pas été pris en compte."
                                 if status != OPEN else f"Ce vote est annulé : {RESTART_REASON}.")
            self._check_voter(juror_id, seance_id, dossier_id)
            if not BALLOTS.has_voted(key, juror_id):
                def work(seance: SeanceRecord) -> dict[str, Any]:
                    self._write("INSERT INTO seance_vote_participation VALUES (?, ?)", [vote_id, juror_id],
                                "seance_vote_participation")
                    return {"vote": vote_id, "jure": juror_id}
                self._seance_write(actor, seance_id, "participation au vote", work)
            BALLOTS.put(key, juror_id, choice)

    def close_vote(self, actor: Actor, vote_id: int) -> VoteRecord:
        """« Clore le vote »: the tally is written, the ballots are dropped."""
        require(actor, "run_seance")
        with writes_held():
            key, seance_id = self._open_vote_box(vote_id)
            if not BALLOTS.knows(key):
                self.record_interrupted_votes(actor, seance_id)
                raise StoreError(f"Le vote n° {vote_id} est annulé : {RESTART_REASON}. Rouvrez-le.")
            tally = BALLOTS.tally(key)
            counts = [tally.count(choice) for choice in TALLY_COLUMNS]

            def work(seance: SeanceRecord) -> dict[str, Any]:
                self._write(f"UPDATE seance_votes SET status = ?, ended_at = ?, ended_by = ?, "
                            f"{', '.join(f'{c} = ?' for c in TALLY_COLUMNS.values())} WHERE vote_id = ?",
                            [CLOSED, datetime.now(), actor.login, *counts, vote_id], "seance_votes")
                return {"vote": vote_id, "decompte": tally.as_dict()}
            self._seance_write(actor, seance_id, "clôture du vote", work)
            BALLOTS.drop(key)
        return self.vote(actor, vote_id)

    def cancel_vote(self, actor: Actor, vote_id: int) -> VoteRecord:
        """« Annuler le vote »: void, nothing counted, the ballots dropped."""
        require(actor, "run_seance")
        with writes_held():
            key, seance_id = self._open_vote_box(vote_id)

            def work(seance: SeanceRecord) -> dict[str, Any]:
                self._write_void(actor, vote_id, CANCEL_REASON)
                return {"vote": vote_id, "motif": CANCEL_REASON}
            self._seance_write(actor, seance_id, "vote annulé", work)
            BALLOTS.drop(key)
        return self.vote(actor, vote_id)

    def _refuse_open_vote(self, seance_id: int, doing: str) -> None:
        """Refuse `doing` while one of the séance's votes is open."""
        for vote in self._votes_left_open(seance_id):
            if vote.is_open:
                raise StoreError(f"Un vote est ouvert sur « {self.dossier_label(vote.dossier_id)} » : "
                                 f"closez-le ou annulez-le avant de {doing}.")

    # The president's moves that a vote under way holds back (checked and made as one write).
    def discuss_dossier(self, actor: Actor, seance_id: int, dossier_id: str | None,
                        expected_version: int) -> SeanceRecord:
        with writes_held():
            self._refuse_open_vote(seance_id, "changer de dossier")
            return super().discuss_dossier(actor, seance_id, dossier_id, expected_version)

    def next_dossier(self, actor: Actor, seance_id: int, expected_version: int) -> SeanceRecord:
        with writes_held():
            self._refuse_open_vote(seance_id, "passer au dossier suivant")
            return super().next_dossier(actor, seance_id, expected_version)

    def close_seance(self, actor: Actor, seance_id: int) -> SeanceRecord:
        with writes_held():
            self._refuse_open_vote(seance_id, "clore la séance")
            self.record_interrupted_votes(actor, seance_id)
            return super().close_seance(actor, seance_id)

    # ------------------------------------------------------------------ official settings
    def official_settings(self, actor: Actor, seance_id: int, version: int | None = None) -> OfficialSettings:
        """A version of the séance's official settings (the latest without `version`)."""
        require(actor, "follow_seance")
        rows = self._settings_rows(seance_id, version)
        if not rows:
            raise StoreError(f"Séance n° {seance_id} : version {version or 'courante'} des réglages officiels "
                             "introuvable.")
        r = rows[0]
        return OfficialSettings(int(r[0]), int(r[1]), json.loads(r[2]), json.loads(r[3]), json.loads(r[4]),
                                str(r[5]), str(r[6]), r[7])

    def official_versions(self, actor: Actor, seance_id: int) -> pd.DataFrame:
        """Every version of the séance's official settings: version, change, by whom (name), when."""
        require(actor, "follow_seance")
        return self._frame(
            "SELECT s.version, s.change, coalesce(u.name, s.changed_by) AS changed_by, s.changed_at "
            "FROM seance_settings s LEFT JOIN users u ON u.login = s.changed_by WHERE s.seance_id = ? "
            "ORDER BY s.version", [seance_id])

    def _set_official(self, actor: Actor, seance_id: int, expected_version: int, change: str,
                      **settings: dict[str, Any]) -> OfficialSettings:
        require(actor, "set_official_settings")

        def work(seance: SeanceRecord) -> dict[str, Any]:
            current = self._settings_rows(seance_id, None)
            if current and int(current[0][1]) != expected_version:
                raise SeanceChanged(f"Les réglages officiels ont changé entre-temps (version {int(current[0][1])}, "
                                    f"par {current[0][6]}) : rien n'a été modifié, voici la version actuelle.")
            return self._add_settings_version(actor, seance, change, **settings)
        self._seance_write(actor, seance_id, "réglages officiels", work, opening=True)
        return self.official_settings(actor, seance_id)

    def set_official_profile(self, actor: Actor, seance_id: int, profile: dict[str, Any], expected_version: int,
                             change: str = "pondération") -> OfficialSettings:
        """A new version with this weight profile (the president; compare-and-set on the version shown)."""
        return self._set_official(actor, seance_id, expected_version, change, profile=profile)

    def set_official_choices(self, actor: Actor, seance_id: int, choices: dict[str, Any], expected_version: int,
                             change: str = "contraintes") -> OfficialSettings:
        """A new version with these shortlist constraints (the president; compare-and-set)."""
        return self._set_official(actor, seance_id, expected_version, change, choices=choices)

    def _forcings_changed(self, actor: Actor, call_id: str, change: str) -> None:
        """Within `set_forcing`'s transaction: the call's open séance gains a version with the new forcings."""
        for seance in self._seances("s.call_id = ? AND s.closed_at IS NULL", [call_id]):
            self._record_change(actor, seance.seance_id, seance.title, "réglages officiels",
                                self._add_settings_version(actor, seance, change), opening=True)

    # ------------------------------------------------------------------ decisions
    def latest_closed_vote(self, actor: Actor, seance_id: int, dossier_id: str) -> VoteRecord | None:
        """The dossier's latest closed vote in the séance: the tally a decision recorded now carries."""
        require(actor, "follow_seance")
        found = self._votes("v.seance_id = ? AND v.dossier_id = ? AND v.status = ?", [seance_id, dossier_id, CLOSED])
        return found[0] if found else None

    def _decision_context(self, actor: Actor, call_id: str, dossier_id: str, decision: str,
                          departure: str) -> tuple[SeanceRecord | None, VoteRecord | None]:
        """The séance and the vote a decision carries; refused when it breaks their rules."""
        label = self.dossier_label(dossier_id)
        open_seances = self._seances("s.call_id = ? AND s.closed_at IS NULL", [call_id])
        seance = open_seances[0] if open_seances else None
        if seance is None:
            earlier = self._rows("SELECT s.title FROM decisions d JOIN seances s USING (seance_id) "
                                 "WHERE d.call_id = ? AND d.dossier_id = ?", [call_id, dossier_id])
            if earlier:
                raise StoreError(f"Décision refusée sur « {label} » : la décision en vigueur a été prise en séance "
                                 f"(« {earlier[0][0]} ») ; seule une séance ultérieure peut la remplacer.")
            return None, None
        if any(v.is_open and v.dossier_id == dossier_id for v in self._votes_left_open(seance.seance_id)):
            raise StoreError(f"Décision refusée sur « {label} » : son vote est en cours ; "
                             "closez-le avant d'enregistrer la décision.")
        vote = self.latest_closed_vote(actor, seance.seance_id, dossier_id)
        if vote is not None and vote.tally is not None and vote.tally.departs(decision) and not departure:
            raise StoreError(f"Décision refusée sur « {label} » : « {decision} » s'écarte du vote "
                             f"({vote.tally.plurality_sentence()}) ; dites pourquoi dans « Écart au vote ».")
        return seance, vote

    def record_decision(self, actor: Actor, call_id: str, dossier_id: str, decision: str, rationale: str,
                        departure: str | None = None) -> None:
        """The jury's decision on a dossier, with its rationale (president only; journalled), carrying
        the call's open séance and the dossier's latest closed vote in it (see the module docstring)."""
        require(actor, "record_decision")
        self._require_dossier_of_call(dossier_id, call_id)
        label = self.dossier_label(dossier_id)
        if decision not in DECISIONS:
            raise StoreError(f"Décision « {decision} » inconnue pour « {label} » : {', '.join(DECISIONS)}.")
        rationale, departure = (rationale or "").strip(), (departure or "").strip()
        if not rationale:
            raise StoreError(f"La motivation de la décision sur « {label} » est obligatoire.")

        def write(seance: SeanceRecord | None, vote: VoteRecord | None) -> dict[str, Any]:
            before = self._rows("SELECT decision, rationale FROM decisions WHERE call_id = ? AND dossier_id = ?",
                                [call_id, dossier_id])
            row = [call_id, dossier_id, decision, rationale, actor.login, datetime.now(),
                   seance.seance_id if seance else None, vote.vote_id if vote else None, departure or None]
            self._write(f"INSERT INTO decisions ({_DECISION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (call_id, dossier_id) DO UPDATE SET decision = excluded.decision, "
                        "rationale = excluded.rationale, decided_by = excluded.decided_by, "
                        "decided_at = excluded.decided_at, seance_id = excluded.seance_id, "
                        "vote_id = excluded.vote_id, departure = excluded.departure", row, "decisions")
            number = int(self._rows("SELECT coalesce(max(decision_no), 0) + 1 FROM decision_history")[0][0])
            self._write("INSERT INTO decision_history (decision_no, call_id, dossier_id, decision, rationale, "
                        "departure, seance_id, vote_id, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [number, *row[:4], row[8], row[6], row[7], row[4], row[5]], "decision_history")
            after = {"decision": decision, "rationale": rationale, "ecart_au_vote": departure or None,
                     "seance": row[6], "vote": row[7],
                     "decompte": vote.tally.as_dict() if vote and vote.tally else None}
            self._append_audit(actor, "décision", "decision", f"{call_id}/{dossier_id}",
                               {"decision": before[0][0], "rationale": before[0][1]} if before else None, after)
            return {"dossier": dossier_id, "decision": decision, "vote": row[7]}

        def transaction() -> None:
            seance, vote = self._decision_context(actor, call_id, dossier_id, decision, departure)
            recorded = write(seance, vote)
            if seance is not None:
                self._record_change(actor, seance.seance_id, seance.title, "décision", recorded, False)
        self._transaction(transaction)

    def decisions(self, actor: Actor, call_id: str) -> pd.DataFrame:
        """The current decisions of a call, with the séance, the vote and its tally (every role reads them)."""
        return self._frame(
            f"SELECT {', '.join('d.' + c for c in _DECISION_COLUMNS.split(', '))}, "
            f"{', '.join('v.' + c for c in TALLY_COLUMNS.values())} "
            "FROM decisions d LEFT JOIN seance_votes v USING (vote_id) WHERE d.call_id = ? ORDER BY d.dossier_id",
            [call_id])

    def decision_history(self, actor: Actor, call_id: str) -> pd.DataFrame:
        """Every decision recorded for the call, oldest first, with whether it is still the current one,
        the author's name (`decided_by_name`, the login when no account has it), the séance's title
        and the tally of the vote it followed (empty outside a séance or without a vote)."""
        tally = ", ".join("v." + c for c in TALLY_COLUMNS.values())
        return self._frame(
            "SELECT h.*, (h.decision_no = max(h.decision_no) OVER (PARTITION BY h.dossier_id)) AS current, "
            f"coalesce(u.name, h.decided_by) AS decided_by_name, s.title AS seance_title, {tally} "
            "FROM decision_history h LEFT JOIN users u ON u.login = h.decided_by "
            "LEFT JOIN seances s ON s.seance_id = h.seance_id LEFT JOIN seance_votes v ON v.vote_id = h.vote_id "
            "WHERE h.call_id = ? ORDER BY h.decision_no", [call_id])

    # ------------------------------------------------------------------ helpers
    def _require_dossier_of_call(self, dossier_id: str, call_id: str) -> None:
        """Refuse, in French, a dossier that is not one of the call's."""
        rows = self._rows("SELECT call_id FROM dossiers WHERE dossier_id = ?", [dossier_id])
        if not rows or rows[0][0] != call_id:
            raise StoreError(f"Dossier « {dossier_id} » inconnu dans l'appel « {call_id} ».")

