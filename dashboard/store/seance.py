"""The séance's record: opening and closing, attendance, the agenda, the dossier
under discussion, the versions of its official settings, and the one-row clock every
follower reads (its votes and decisions are in `deliberation.py`).

Every change is a transaction journalled with the person's name, bumps the
séance's `version` and the clock (`seance_clock`: `version` at every change,
`openings` when a séance opens, closes or reopens, or its official settings change:
what the pages outside /seance follow). The president's moves are a
compare-and-set on the version the page showed: two tabs moving at once move
once. A closed séance is frozen; reopening it is the president's, journalled.
A juror recused from the dossier under discussion is refused its ratings here,
not only on the page.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from dashboard.core.formatting import fr_datetime
from dashboard.core.seance import AGENDA_REASONS, ATTENDANCE_STATUSES, AgendaLine
from dashboard.errors import AccessDenied, SeanceChanged, StoreError
from dashboard.store.access import Actor, require
from dashboard.store.base import StoreBase

# The journal's entity for every séance entry (`Store.data_version` leaves them out:
# a move in the séance changes no data the pages compute from).
SEANCE_ENTITY = "seance"


@dataclass(frozen=True)
class SeanceRecord:
    """One séance as stored; `opened_by` and `closed_by` are names."""

    seance_id: int
    call_id: str
    title: str
    place: str | None
    shortlist_size: int
    opened_at: datetime
    opened_by: str
    closed_at: datetime | None
    closed_by: str | None
    current_dossier_id: str | None
    version: int

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


_SEANCE_COLUMNS = ("s.seance_id, s.call_id, s.title, s.place, s.shortlist_size, s.opened_at, "
                   "coalesce(o.name, s.opened_by), s.closed_at, coalesce(c.name, s.closed_by), "
                   "s.current_dossier_id, s.version")
_SEANCE_FROM = ("FROM seances s LEFT JOIN users o ON o.login = s.opened_by "
                "LEFT JOIN users c ON c.login = s.closed_by")


def _not_on_agenda(dossier_id: str) -> StoreError:
    return StoreError(f"Le dossier « {dossier_id} » n'est pas à l'ordre du jour.")


def _forcing_rows(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [{"call_id": r[0], "dossier_id": r[1], "kind": r[2], "justification": r[3], "decided_by": r[4],
             "decided_at": r[5].isoformat() if isinstance(r[5], datetime) else r[5]} for r in rows]


class SeanceRecords(StoreBase):
    """The séance's reads and writes (mixed into `Store`)."""

    # ------------------------------------------------------------------ reads
    def seance_clock(self) -> tuple[int, int]:
        """(version, openings) of every séance: the one-row read a follower polls."""
        rows = self._rows("SELECT version, openings FROM seance_clock WHERE id = 1")
        return (int(rows[0][0]), int(rows[0][1])) if rows else (0, 0)

    def _seances(self, where: str, params: Sequence[Any]) -> list[SeanceRecord]:
        rows = self._rows(f"SELECT {_SEANCE_COLUMNS} {_SEANCE_FROM} WHERE {where} "
                          "ORDER BY s.opened_at DESC, s.seance_id DESC", params)
        return [SeanceRecord(*row) for row in rows]

    def seance(self, actor: Actor, seance_id: int) -> SeanceRecord:
        """One séance by its number (any signed-in role)."""
        require(actor, "follow_seance")
        found = self._seances("s.seance_id = ?", [seance_id])
        if not found:
            raise StoreError(f"Séance n° {seance_id} inconnue.")
        return found[0]

    def open_seances(self, actor: Actor) -> list[SeanceRecord]:
        """The séances open now, every call (latest first)."""
        require(actor, "follow_seance")
        return self._seances("s.closed_at IS NULL", [])

    def call_seances(self, actor: Actor, call_id: str) -> list[SeanceRecord]:
        """Every séance of a call, the open one or the latest first."""
        require(actor, "follow_seance")
        return sorted(self._seances("s.call_id = ?", [call_id]), key=lambda s: not s.is_open)

    def call_juror_ids(self) -> list[str]:
        """The call's jurors: every member of the jury (`jurors`), by id."""
        return [row[0] for row in self._rows("SELECT juror_id FROM jurors ORDER BY juror_id")]

    def jury_presidents(self, actor: Actor) -> list[str]:
        """The names of the accounts that preside the jury (who signs the procès-verbal)."""
        require(actor, "follow_seance")
        return [row[0] for row in self._rows("SELECT name FROM users WHERE role = ? ORDER BY name", ["president"])]

    def attendance(self, actor: Actor, seance_id: int) -> pd.DataFrame:
        """Every juror with their attendance (status None: not marked yet) and whether they count as present."""
        require(actor, "follow_seance")
        return self._frame(
            "SELECT j.juror_id, j.name, j.organisation, a.status, a.arrived_at, a.left_at, "
            "       coalesce(a.status = 'présent' AND a.left_at IS NULL, false) AS present "
            "FROM jurors j LEFT JOIN seance_attendance a ON a.juror_id = j.juror_id AND a.seance_id = ? "
            "ORDER BY j.juror_id", [seance_id])

    def agenda(self, actor: Actor, seance_id: int) -> pd.DataFrame:
        """The agenda in order: position, dossier, rank at the opening, reason, detail, when discussed,
        and which is under discussion."""
        require(actor, "follow_seance")
        return self._frame(
            "SELECT g.position, g.dossier_id, g.opening_rank, g.reason, g.detail, g.discussed_at, "
            "       (g.dossier_id IS NOT DISTINCT FROM s.current_dossier_id) AS current "
            "FROM seance_agenda g JOIN seances s USING (seance_id) WHERE g.seance_id = ? "
            "ORDER BY g.position", [seance_id])

    def dossier_recused_juror_ids(self, dossier_id: str) -> set[str]:
        """The jurors recused from a dossier: the one recusal check of rating and of the séance, and the
        dossier's quorum (never named on a follower's page)."""
        return {row[0] for row in self._rows("SELECT juror_id FROM recusals WHERE dossier_id = ?", [dossier_id])}

    def check_not_recused(self, actor: Actor, dossier_id: str) -> None:
        """Refuse, in French, a juror recused from the dossier (what the séance shows of it)."""
        if actor.juror_id and actor.juror_id in self.dossier_recused_juror_ids(dossier_id):
            raise AccessDenied(f"Accès refusé : vous êtes récusé·e pour le dossier « {dossier_id} » ; "
                               "ses notes et ses documents ne vous sont pas montrés.")

    def discussed_ratings(self, actor: Actor, seance_id: int) -> pd.DataFrame:
        """The aggregated ratings of the dossier under discussion, per criterion (jurors counted,
        mean, lowest, highest); refused to a juror recused from it. Empty without a dossier."""
        seance = self.seance(actor, seance_id)
        if seance.current_dossier_id is None:
            return pd.DataFrame(columns=["criterion_id", "jurors", "mean", "lowest", "highest"])
        self.check_not_recused(actor, seance.current_dossier_id)
        return self._frame(
            "SELECT r.criterion_id, count(*) AS jurors, avg(r.score) AS mean, min(r.score) AS lowest, "
            "       max(r.score) AS highest "
            "FROM ratings r WHERE r.dossier_id = ? AND NOT EXISTS ("
            "  SELECT 1 FROM recusals x WHERE x.juror_id = r.juror_id AND x.dossier_id = r.dossier_id) "
            "GROUP BY r.criterion_id ORDER BY r.criterion_id", [seance.current_dossier_id])

    # ----------------------------------------------------------- official settings
    def _settings_rows(self, seance_id: int, version: int | None) -> list[tuple[Any, ...]]:
        return self._rows(
            "SELECT s.seance_id, s.version, s.profile, s.choices, s.forcings, s.change, "
            "       coalesce(u.name, s.changed_by), s.changed_at "
            "FROM seance_settings s LEFT JOIN users u ON u.login = s.changed_by "
            "WHERE s.seance_id = ? AND (? IS NULL OR s.version = ?) ORDER BY s.version DESC LIMIT 1",
            [seance_id, version, version])

    def _call_forcings(self, call_id: str) -> list[dict[str, Any]]:
        return _forcing_rows(self._rows("SELECT call_id, dossier_id, kind, justification, decided_by, decided_at "
                                        "FROM shortlist_forcings WHERE call_id = ? ORDER BY dossier_id", [call_id]))

    def _add_settings_version(self, actor: Actor, seance: SeanceRecord, change: str, *,
                              profile: dict[str, Any] | None = None,
                              choices: dict[str, Any] | None = None) -> dict[str, Any]:
        """Within a séance's change: write the next version (what is not given stays as it was;
        the forcings are the call's as they stand now); what the journal records of it."""
        rows = self._settings_rows(seance.seance_id, None)
        before = None if not rows else {"version": int(rows[0][1]), "profil": json.loads(rows[0][2]),
                                        "contraintes": json.loads(rows[0][3]), "forcages": json.loads(rows[0][4])}
        if before is None and (profile is None or choices is None):
            raise StoreError(f"La séance « {seance.title} » n'a pas de réglages officiels à modifier.")
        after = {"version": 1 if before is None else before["version"] + 1,
                 "profil": profile if profile is not None else before["profil"],  # type: ignore[index]
                 "contraintes": choices if choices is not None else before["contraintes"],  # type: ignore[index]
                 "forcages": self._call_forcings(seance.call_id)}
        texts = [json.dumps(after[part], sort_keys=True, ensure_ascii=False)
                 for part in ("profil", "contraintes", "forcages")]
        self._write("INSERT INTO seance_settings VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [seance.seance_id, after["version"], *texts, change, actor.login, datetime.now()],
                    "seance_settings")
        return {"changement": change, "version": after["version"], "avant": before, "apres": after}

    # ----------------------------------------------------------------- writes
    def _seance_write(self, actor: Actor, seance_id: int, action: str, work: Callable[[SeanceRecord], Any],
                      *, expected_version: int | None = None, may_be_closed: bool = False,
                      opening: bool = False) -> SeanceRecord:
        """Run one change of a séance in a transaction: refuse a closed séance (unless
        `may_be_closed`) and, with `expected_version`, a séance that moved on since the page
        showed it; `work(séance)` writes and returns what the journal records. Returns the
        séance as it now stands."""
        def transaction() -> None:
            seance = self.seance(actor, seance_id)
            if not seance.is_open and not may_be_closed:
                closed = fr_datetime(seance.closed_at) if seance.closed_at else "–"
                raise StoreError(f"La séance « {seance.title} » est close depuis le {closed} "
                                 f"(par {seance.closed_by}) : la présidence peut la rouvrir pour la modifier ; "
                                 "rien n'a été changé.")
            if expected_version is not None and seance.version != expected_version:
                raise SeanceChanged("La séance a changé entre-temps (depuis un autre écran, ou par un clic "
                                    "répété) : rien n'a été modifié, voici son état actuel.")
            self._record_change(actor, seance_id, seance.title, action, work(seance), opening)
        self._transaction(transaction)
        return self.seance(actor, seance_id)

    def _record_change(self, actor: Actor, seance_id: int, title: str, action: str, recorded: dict[str, Any],
                       opening: bool) -> None:
        """Within a séance's transaction: its version and the clock move on (`openings` too
        when it opened, closed or reopened), and the journal records the change with the name."""
        self._write("UPDATE seances SET version = version + 1 WHERE seance_id = ?", [seance_id], "seances")
        self._cur.execute("UPDATE seance_clock SET version = version + 1, openings = openings + ? WHERE id = 1",
                          [1 if opening else 0])
        self._append_audit(actor, action, SEANCE_ENTITY, str(seance_id), None,
                           {"seance": title, "par": actor.name, **recorded})

    def open_seance(self, actor: Actor, call_id: str, title: str, place: str | None, shortlist_size: int,
                    agenda: Sequence[AgendaLine], *, profile: dict[str, Any],
                    choices: dict[str, Any]) -> SeanceRecord:
        """Open a séance for a call with its agenda (one open séance per call at most), and version 1
        of its official settings: the weight `profile` and shortlist `choices` (`WeightProfile.to_dict`,
        `ShortlistChoices` without forcings), with the call's forcings as they stand."""
        require(actor, "run_seance")
        title, place = title.strip(), (place or "").strip() or None
        if not title:
            raise StoreError("Le titre de la séance est obligatoire (par exemple « Séance du 05/09/2019 »).")
        if not self._rows("SELECT 1 FROM calls WHERE call_id = ?", [call_id]):
            raise StoreError(f"Appel « {call_id} » inconnu.")
        if shortlist_size < 1:
            raise StoreError(f"Taille de la liste restreinte « {shortlist_size} » refusée : au moins 1.")
        self._check_agenda(call_id, [line.dossier_id for line in agenda])

        def transaction() -> int:
            already = self._seances("s.call_id = ? AND s.closed_at IS NULL", [call_id])
            if already:
                raise StoreError(f"Une séance est déjà ouverte pour l'appel « {call_id} » : « {already[0].title} », "
                                 f"ouverte le {fr_datetime(already[0].opened_at)} par {already[0].opened_by}.")
            seance_id = int(self._rows("SELECT coalesce(max(seance_id), 0) + 1 FROM seances")[0][0])
            self._write("INSERT INTO seances VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, 0)",
                        [seance_id, call_id, title, place, shortlist_size, datetime.now(), actor.login], "seances")
            if agenda:
                self._write(
                    f"INSERT INTO seance_agenda VALUES {', '.join(['(?, ?, ?, ?, ?, ?, NULL)'] * len(agenda))}",
                    [v for position, line in enumerate(agenda, start=1)
                     for v in (seance_id, line.dossier_id, position, line.rank, line.reason, line.detail)],
                    "seance_agenda")
            seance = self._seances("s.seance_id = ?", [seance_id])[0]
            official = self._add_settings_version(actor, seance, "ouverture de la séance (profil du jury)",
                                                  profile=profile, choices=choices)
            self._record_change(actor, seance_id, title, "ouverture de la séance", {
                "appel": call_id, "lieu": place, "taille_liste": shortlist_size,
                "ordre_du_jour": [line.dossier_id for line in agenda], "reglages_officiels": official["apres"]},
                opening=True)
            return seance_id

        return self.seance(actor, self._transaction(transaction))

    def _check_agenda(self, call_id: str, dossier_ids: Sequence[str]) -> None:
        of_call = {row[0] for row in self._rows("SELECT dossier_id FROM dossiers WHERE call_id = ?", [call_id])}
        unknown = [d for d in dossier_ids if d not in of_call]
        if unknown:
            raise StoreError(f"Dossier(s) inconnu(s) dans l'appel « {call_id} » : {', '.join(unknown)}.")
        if len(set(dossier_ids)) != len(dossier_ids):
            raise StoreError("Un dossier figure deux fois à l'ordre du jour.")

    def close_seance(self, actor: Actor, seance_id: int) -> SeanceRecord:
        """Close the séance: its record is frozen (the dossier under discussion counts as discussed)."""
        require(actor, "run_seance")

        def work(seance: SeanceRecord) -> dict[str, Any]:
            now = datetime.now()
            self._mark_discussed(seance, now)
            self._write("UPDATE seances SET closed_at = ?, closed_by = ?, current_dossier_id = NULL "
                        "WHERE seance_id = ?", [now, actor.login, seance_id], "seances")
            return {"dossier_en_discussion": seance.current_dossier_id}
        return self._seance_write(actor, seance_id, "clôture de la séance", work, opening=True)

    def reopen_seance(self, actor: Actor, seance_id: int) -> SeanceRecord:
        """Reopen a closed séance (president; none other of its call may be open)."""
        require(actor, "reopen_seance")

        def work(seance: SeanceRecord) -> dict[str, Any]:
            if seance.is_open:
                raise StoreError(f"La séance « {seance.title} » est déjà ouverte.")
            if self._seances("s.call_id = ? AND s.closed_at IS NULL", [seance.call_id]):
                raise StoreError(f"Une autre séance est ouverte pour l'appel « {seance.call_id} » : "
                                 "closez-la avant de rouvrir celle-ci.")
            self._write("UPDATE seances SET closed_at = NULL, closed_by = NULL WHERE seance_id = ?", [seance_id],
                        "seances")
            return {"close_le": seance.closed_at, "close_par": seance.closed_by}
        return self._seance_write(actor, seance_id, "réouverture de la séance", work, may_be_closed=True,
                                  opening=True)

    def mark_attendance(self, actor: Actor, seance_id: int, juror_id: str, status: str) -> SeanceRecord:
        """Mark a juror présent (arrived now, unless already present), absent or excusé."""
        require(actor, "run_seance")
        if status not in ATTENDANCE_STATUSES:
            raise StoreError(f"Présence « {status} » inconnue : {', '.join(ATTENDANCE_STATUSES)}.")
        if juror_id not in self.call_juror_ids():
            raise StoreError(f"Membre du jury « {juror_id} » inconnu.")

        def work(seance: SeanceRecord) -> dict[str, Any]:
            before = self._rows("SELECT status, arrived_at, left_at FROM seance_attendance "
                                "WHERE seance_id = ? AND juror_id = ?", [seance_id, juror_id])
            now = datetime.now()
            still_present = bool(before) and before[0][0] == "présent" and before[0][2] is None
            arrived = (before[0][1] if still_present else now) if status == "présent" else None
            self._write(
                "INSERT INTO seance_attendance VALUES (?, ?, ?, ?, NULL, ?, ?) ON CONFLICT (seance_id, juror_id) "
                "DO UPDATE SET status = excluded.status, arrived_at = excluded.arrived_at, left_at = NULL, "
                "marked_by = excluded.marked_by, marked_at = excluded.marked_at",
                [seance_id, juror_id, status, arrived, actor.login, now], "seance_attendance")
            return {"jure": juror_id, "presence": status, "avant": before[0][0] if before else None}
        return self._seance_write(actor, seance_id, "présence", work)

    def record_departure(self, actor: Actor, seance_id: int, juror_id: str) -> SeanceRecord:
        """A present juror leaves: they stop counting for the quorums from now on."""
        require(actor, "run_seance")

        def work(seance: SeanceRecord) -> dict[str, Any]:
            rows = self._rows("SELECT status, left_at FROM seance_attendance WHERE seance_id = ? AND juror_id = ?",
                              [seance_id, juror_id])
            if not rows or rows[0][0] != "présent" or rows[0][1] is not None:
                raise StoreError(f"« {juror_id} » n'est pas marqué·e présent·e : aucun départ à noter.")
            now = datetime.now()
            self._write("UPDATE seance_attendance SET left_at = ?, marked_by = ?, marked_at = ? "
                        "WHERE seance_id = ? AND juror_id = ?", [now, actor.login, now, seance_id, juror_id],
                        "seance_attendance")
            return {"jure": juror_id}
        return self._seance_write(actor, seance_id, "départ d'un juré", work)

    # ------------------------------------------------------------------ agenda
    def _agenda_ids(self, seance_id: int) -> list[str]:
        return [row[0] for row in self._rows(
            "SELECT dossier_id FROM seance_agenda WHERE seance_id = ? ORDER BY position", [seance_id])]

    def _renumber(self, seance_id: int, ordered: list[str]) -> None:
        """Give the agenda's lines the positions 1…n in the order `ordered`."""
        if ordered:
            self._write("UPDATE seance_agenda SET position = n.position FROM (SELECT * FROM (VALUES "
                        + ", ".join(["(?, ?)"] * len(ordered)) + ") AS t(dossier_id, position)) AS n "
                        "WHERE seance_agenda.seance_id = ? AND seance_agenda.dossier_id = n.dossier_id",
                        [v for position, d in enumerate(ordered, start=1) for v in (d, position)] + [seance_id],
                        "seance_agenda")

    def move_agenda_line(self, actor: Actor, seance_id: int, dossier_id: str, position: int) -> SeanceRecord:
        """Put a dossier of the agenda at `position` (1 = first); the others keep their order."""
        require(actor, "run_seance")

        def work(seance: SeanceRecord) -> dict[str, Any]:
            ordered = self._agenda_ids(seance_id)
            if dossier_id not in ordered:
                raise _not_on_agenda(dossier_id)
            if not 1 <= position <= len(ordered):
                raise StoreError(f"Position « {position} » hors de l'ordre du jour (de 1 à {len(ordered)}).")
            before = ordered.index(dossier_id) + 1
            ordered.remove(dossier_id)
            ordered.insert(position - 1, dossier_id)
            self._renumber(seance_id, ordered)
            return {"dossier": dossier_id, "de": before, "a": position}
        return self._seance_write(actor, seance_id, "ordre du jour modifié", work)

    def remove_agenda_line(self, actor: Actor, seance_id: int, dossier_id: str) -> SeanceRecord:
        """Take a dossier off the agenda (not the one under discussion)."""
        require(actor, "run_seance")

        def work(seance: SeanceRecord) -> dict[str, Any]:
            rows = self._rows("SELECT reason, detail FROM seance_agenda WHERE seance_id = ? AND dossier_id = ?",
                              [seance_id, dossier_id])
            if not rows:
                raise _not_on_agenda(dossier_id)
            if seance.current_dossier_id == dossier_id:
                raise StoreError(f"Le dossier « {dossier_id} » est en discussion : passez à un autre avant de le "
                                 "retirer de l'ordre du jour.")
            self._write("DELETE FROM seance_agenda WHERE seance_id = ? AND dossier_id = ?", [seance_id, dossier_id],
                        "seance_agenda")
            self._renumber(seance_id, self._agenda_ids(seance_id))
            return {"dossier_retire": dossier_id, "motif": AGENDA_REASONS.get(rows[0][0], rows[0][0]),
                    "detail": rows[0][1]}
        return self._seance_write(actor, seance_id, "ordre du jour modifié", work)

    def add_agenda_line(self, actor: Actor, seance_id: int, dossier_id: str) -> SeanceRecord:
        """Put a dossier of the call back on the agenda, last."""
        require(actor, "run_seance")

        def work(seance: SeanceRecord) -> dict[str, Any]:
            self._check_agenda(seance.call_id, [dossier_id])
            ordered = self._agenda_ids(seance_id)
            if dossier_id in ordered:
                raise StoreError(f"Le dossier « {dossier_id} » est déjà à l'ordre du jour.")
            self._write("INSERT INTO seance_agenda VALUES (?, ?, ?, NULL, 'ajoute', ?, NULL)",
                        [seance_id, dossier_id, len(ordered) + 1, f"Ajouté par {actor.name}"], "seance_agenda")
            return {"dossier_ajoute": dossier_id}
        return self._seance_write(actor, seance_id, "ordre du jour modifié", work)

    # ------------------------------------------------------------- discussion
    def _mark_discussed(self, seance: SeanceRecord, now: datetime) -> None:
        if seance.current_dossier_id is not None:
            self._write("UPDATE seance_agenda SET discussed_at = coalesce(discussed_at, ?) "
                        "WHERE seance_id = ? AND dossier_id = ?",
                        [now, seance.seance_id, seance.current_dossier_id], "seance_agenda")

    def discuss_dossier(self, actor: Actor, seance_id: int, dossier_id: str | None,
                        expected_version: int) -> SeanceRecord:
        """Put a dossier of the agenda under discussion (None: none), the one before counting as
        discussed; refused when the séance moved on since `expected_version` (compare-and-set).
        The dossier already under discussion is nothing to do, whatever version the page showed:
        the same choice sent again (a poll crossing the president's choice) is not a conflict."""
        require(actor, "run_seance")
        now = self.seance(actor, seance_id)
        if now.is_open and now.current_dossier_id == dossier_id:
            return now

        def work(seance: SeanceRecord) -> dict[str, Any]:
            if dossier_id is not None and dossier_id not in self._agenda_ids(seance_id):
                raise _not_on_agenda(dossier_id)
            if dossier_id != seance.current_dossier_id:
                self._mark_discussed(seance, datetime.now())
            self._write("UPDATE seances SET current_dossier_id = ? WHERE seance_id = ?", [dossier_id, seance_id],
                        "seances")
            return {"avant": seance.current_dossier_id, "dossier_en_discussion": dossier_id}
        return self._seance_write(actor, seance_id, "dossier en discussion", work, expected_version=expected_version)

    def next_dossier(self, actor: Actor, seance_id: int, expected_version: int) -> SeanceRecord:
        """« Passer au dossier suivant »: the current dossier counts as discussed and the first
        dossier of the agenda not yet discussed comes up (none when all are)."""
        require(actor, "run_seance")

        def work(seance: SeanceRecord) -> dict[str, Any]:
            self._mark_discussed(seance, datetime.now())
            rows = self._rows("SELECT dossier_id FROM seance_agenda WHERE seance_id = ? AND discussed_at IS NULL "
                              "ORDER BY position LIMIT 1", [seance_id])
            following = rows[0][0] if rows else None
            self._write("UPDATE seances SET current_dossier_id = ? WHERE seance_id = ?", [following, seance_id],
                        "seances")
            return {"avant": seance.current_dossier_id, "dossier_en_discussion": following}
        return self._seance_write(actor, seance_id, "dossier en discussion", work, expected_version=expected_version)
