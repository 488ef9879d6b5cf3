"""Who is signed in, and what each person had open: the sessions behind the browsers'
cookies (known by their token's digest, never the token) and each person's working
state, by name.

Neither is journalled (no decision, nothing a page computes from): a session's opening
and end are the rows themselves, with the reason it ended. Writes still run one at a
time in the process (`StoreBase._transaction`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dashboard.store.access import Actor
from dashboard.store.base import StoreBase

# Why a session ended (`user_sessions.end_reason`).
SIGNED_OUT = "déconnexion"
IDLE = "inactivité"
PASSWORD_CHANGED = "mot de passe changé"


@dataclass(frozen=True)
class UserSession:
    """One session as stored: whose, since when, last active when, and whether it has ended."""

    actor: Actor
    opened_at: datetime
    last_active_at: datetime
    ended_at: datetime | None
    end_reason: str | None


class SessionRecords(StoreBase):
    """The sessions' and working states' reads and writes (mixed into `Store`)."""

    # ---------------------------------------------------------------- sessions
    def open_user_session(self, login: str, token_digest: str, now: datetime) -> None:
        """A new session for `login`, known by the digest of its token."""
        def work() -> None:
            self._write_unjournalled(
                "INSERT INTO user_sessions (token_digest, login, opened_at, last_active_at) VALUES (?, ?, ?, ?)",
                [token_digest, login, now, now], "user_sessions")
        self._transaction(work, "Ouverture de session impossible")

    def user_session(self, token_digest: str) -> UserSession | None:
        """The session behind a token's digest, with its account (None: unknown token or account)."""
        rows = self._rows(
            "SELECT u.login, u.name, u.role, u.juror_id, s.opened_at, s.last_active_at, s.ended_at, s.end_reason "
            "FROM user_sessions s JOIN users u ON u.login = s.login WHERE s.token_digest = ?", [token_digest])
        if not rows:
            return None
        login, name, role, juror_id, opened_at, last_active_at, ended_at, end_reason = rows[0]
        return UserSession(Actor(login=login, name=name, role=role, juror_id=juror_id),
                           opened_at, last_active_at, ended_at, end_reason)

    def touch_user_session(self, token_digest: str, now: datetime) -> None:
        """The person acted now in this session (a session that has ended stays ended)."""
        def work() -> None:
            self._write_unjournalled(
                "UPDATE user_sessions SET last_active_at = greatest(last_active_at, ?) "
                "WHERE token_digest = ? AND ended_at IS NULL", [now, token_digest], "user_sessions")
        self._transaction(work, "Enregistrement de l'activité impossible")

    def end_user_session(self, token_digest: str, now: datetime, reason: str) -> None:
        """End one session (sign-out, idle time); ending it again changes nothing."""
        def work() -> None:
            self._write_unjournalled(
                "UPDATE user_sessions SET ended_at = ?, end_reason = ? WHERE token_digest = ? AND ended_at IS NULL",
                [now, reason, token_digest], "user_sessions")
        self._transaction(work, "Fermeture de session impossible")

    def _end_sessions_of(self, login: str, now: datetime, reason: str, keep: str | None = None) -> None:
        """Within a transaction: end every open session of `login` but the one whose digest is `keep`."""
        self._write_unjournalled(
            "UPDATE user_sessions SET ended_at = ?, end_reason = ? "
            "WHERE login = ? AND ended_at IS NULL AND token_digest <> ?",
            [now, reason, login, keep or ""], "user_sessions")

    def open_session_count(self, login: str) -> int:
        """How many sessions of `login` have not ended (idle ones included until they are next seen)."""
        return int(self._rows("SELECT count(*) FROM user_sessions WHERE login = ? AND ended_at IS NULL",
                              [login])[0][0])

    # ----------------------------------------------------------- working state
    def working_state(self, actor: Actor) -> dict[str, str]:
        """The person's working state: name -> value as JSON text."""
        rows = self._rows("SELECT state_key, value_json FROM working_state WHERE login = ? ORDER BY state_key",
                          [actor.login])
        return {str(key): str(value) for key, value in rows}

    def save_working_state(self, actor: Actor, changes: dict[str, str | None], now: datetime) -> None:
        """Write the changed parts of the person's working state (None: forget that part)."""
        if not changes:
            return

        def work() -> None:
            for key, value in sorted(changes.items()):
                if value is None:
                    self._write_unjournalled("DELETE FROM working_state WHERE login = ? AND state_key = ?",
                                             [actor.login, key], "working_state")
                else:
                    self._write_unjournalled(
                        "INSERT INTO working_state (login, state_key, value_json, updated_at) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (login, state_key) DO UPDATE SET value_json = excluded.value_json, "
                        "updated_at = excluded.updated_at", [actor.login, key, value, now], "working_state")
        self._transaction(work, "Enregistrement de l'espace de travail impossible")

    def reset_working_state(self, actor: Actor) -> None:
        """Forget the person's whole working state."""
        def work() -> None:
            self._write_unjournalled("DELETE FROM working_state WHERE login = ?", [actor.login], "working_state")
        self._transaction(work, "Réinitialisation de l'espace de travail impossible")
