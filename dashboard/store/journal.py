"""The journal's chain: its key file beside the database, how an entry is sealed,
the digest of the protected tables, and the check of a whole chain (`jury audit --verify`).

Every entry of `audit_log` carries the hash of the entry before it (`prev_hash`),
the digest of the protected tables after its write (`state_hash`), and its own
seal (`entry_hash`): an HMAC-SHA256, with the key file, of all of that and of its
content. So an entry changed, inserted or deleted in the file breaks the chain
where it happened; data changed in the file no longer match the last state digest;
and a chain recomputed without the key has seals that do not verify. A chain
recomputed *with* the key is caught against a head hash recorded elsewhere (every
export's « Manifeste »): a recorded head must still be an entry of the chain.

This module holds no SQL: the store reads the rows and writes the seals.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from dashboard.core.formatting import fr_number
from dashboard.errors import JournalKeyError

# The `prev_hash` of the first entry.
GENESIS = "0" * 64
KEY_BYTES = 32
# Entries the store writes itself: the action names the verification looks for.
OUTSIDE_CHANGE = "modification hors de l'application"
SYSTEM_ACTOR = "système"
# At most this many problems are listed after the first one.
SHOWN_PROBLEMS = 10


def key_path(database: Path) -> Path:
    """`data/jury.duckdb` → `data/jury.journal.key`."""
    return database.with_name(f"{database.stem}.journal.key")


def read_key(database: Path) -> bytes | None:
    """The key of the database's journal, or None when its file does not exist."""
    path = key_path(database)
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise JournalKeyError(f"Clé du journal illisible : « {path} » ({exc}).") from exc
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise JournalKeyError(f"Clé du journal invalide : « {path} » doit contenir {KEY_BYTES * 2} chiffres "
                              "hexadécimaux. Restaurez-la depuis la sauvegarde de la base.")
    return key


def create_key(database: Path) -> bytes:
    """A new random key, written beside the database, readable by its owner only (0600)."""
    path = key_path(database)
    key = secrets.token_bytes(KEY_BYTES)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")
    return key


def load_key(database: Path, chain_signed: bool) -> bytes:
    """The journal's key: read from its file, or created when no entry is signed yet.

    A chain already signed is never given a new key: its seals could no longer be
    checked, so the missing file is named instead."""
    key = read_key(database)
    if key is not None:
        return key
    if chain_signed:
        raise JournalKeyError(
            f"Clé du journal introuvable : « {key_path(database)} ». Le journal de cette base est scellé avec "
            "elle ; restaurez-la depuis la sauvegarde (elle se copie toujours avec la base).")
    return create_key(database)


def key_warning(database: Path) -> str | None:
    """A French warning when the key file can be read or written by others than its owner."""
    path = key_path(database)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None
    if mode & 0o077:
        return (f"Attention : la clé du journal « {path} » est accessible à d'autres comptes (droits {mode:o}) ; "
                f"« chmod 600 {path} » la réserve au compte du serveur.")
    return None


@dataclass(frozen=True)
class Entry:
    """One row of the journal, as stored."""

    audit_id: int
    occurred_at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str | None
    before: str | None
    after: str | None
    prev_hash: str | None
    state_hash: str | None
    entry_hash: str | None
    legacy: bool

    def label(self) -> str:
        """« l'entrée n° 57 (notation, 01/12/2026 14:05:09) »."""
        return (f"l'entrée n° {fr_number(self.audit_id)} ({self.action}, "
                f"{self.occurred_at.strftime('%d/%m/%Y %H:%M:%S')})")


def seal(key: bytes, entry: Entry) -> str:
    """The entry's HMAC-SHA256 over everything it holds but its seal."""
    content = [entry.audit_id, entry.occurred_at.isoformat(), entry.actor, entry.action, entry.entity,
               entry.entity_id, entry.before, entry.after, entry.prev_hash, entry.state_hash, entry.legacy]
    payload = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


# A part of a protected table: (table, value of its partition column, or "" for the whole table).
PartKey = tuple[str, str]


def part_digest(rows: Sequence[tuple[Any, ...]]) -> str:
    """SHA-256 of one part's rows, given in a fixed order."""
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def combine(parts: Mapping[PartKey, str]) -> str:
    """The state digest: SHA-256 over every part's digest, in table and part order."""
    digest = hashlib.sha256()
    for (table, part), value in sorted(parts.items()):
        digest.update(f"{table}\x1f{part}\x1f{value}\n".encode())
    return digest.hexdigest()


class ChainState:
    """What the stores of one open database share to extend the chain: the journal's key,
    its tip (the last entry's number and seal) and the digest of each part of the protected
    tables, all as committed.

    They are read whole when the database is opened; a write transaction then recomputes
    only the parts it changed (`changes`, None for a part left empty), seals its entries
    after the tip, and applies both once it has committed. Writes are serialised and no
    other process or second opening can write the file while it is open, so they stay those
    of the file (a test compares the digests with a whole recomputation)."""

    def __init__(self, key: bytes) -> None:
        self.key = key
        self._parts: dict[PartKey, str] = {}
        self._tip: tuple[int, str] = (0, GENESIS)
        self._lock = threading.Lock()

    def reset(self, parts: Mapping[PartKey, str], tip: tuple[int, str]) -> None:
        with self._lock:
            self._parts, self._tip = dict(parts), tip

    def tip(self) -> tuple[int, str]:
        """(number, seal) of the last entry committed: (0, GENESIS) for an empty journal."""
        with self._lock:
            return self._tip

    def parts_of(self, table: str) -> list[PartKey]:
        with self._lock:
            return [key for key in self._parts if key[0] == table]

    def state(self, changes: Mapping[PartKey, str | None] | None = None) -> str:
        """The state digest, with `changes` applied over the committed parts."""
        with self._lock:
            parts = self._with(changes or {})
        return combine(parts)

    def apply(self, changes: Mapping[PartKey, str | None], tip: tuple[int, str]) -> None:
        """A transaction committed: its parts and the chain's new tip."""
        with self._lock:
            self._parts, self._tip = self._with(changes), tip

    def _with(self, changes: Mapping[PartKey, str | None]) -> dict[PartKey, str]:
        parts = dict(self._parts)
        for key, value in changes.items():
            if value is None:
                parts.pop(key, None)
            else:
                parts[key] = value
        return parts


@dataclass
class Verdict:
    """What `jury audit --verify` found: the chain's length and head, and its problems (French)."""

    entries: int
    legacy: int
    head: str | None
    state_entry: int | None
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems

    def report(self) -> str:
        """The lines `jury audit --verify` prints."""
        if self.intact:
            lines = [f"Journal intact : {fr_number(self.entries)} entrée(s) chaînée(s) et scellée(s)"
                     + (f", dont {fr_number(self.legacy)} antérieure(s) au chaînage (marquées « ancienne », "
                        "scellées lors de la migration : leur contenu d'origine n'est pas garanti)"
                        if self.legacy else "") + "."]
            if self.state_entry is not None:
                lines.append(f"Les données correspondent à l'état enregistré par l'entrée n° "
                             f"{fr_number(self.state_entry)}.")
        else:
            lines = [f"Journal altéré : {self.problems[0]}"]
            others = self.problems[1:]
            lines += [f"  – {problem}" for problem in others[:SHOWN_PROBLEMS]]
            if len(others) > SHOWN_PROBLEMS:
                lines.append(f"  – et {fr_number(len(others) - SHOWN_PROBLEMS)} autre(s) anomalie(s).")
        lines.append(f"Tête du journal : {self.head or 'aucune (journal vide)'}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {"intact": self.intact, "entries": self.entries, "legacy": self.legacy, "head": self.head,
                "state_entry": self.state_entry, "problems": list(self.problems)}


def _chain_problems(entries: Sequence[Entry], key: bytes) -> list[str]:
    """Where the links or the seals break, first one first."""
    sealed = [e.entry_hash is not None and hmac.compare_digest(seal(key, e), e.entry_hash) for e in entries]
    if entries and not any(sealed):
        return ["aucune entrée n'a un sceau valide avec cette clé : la clé n'est pas celle de cette base, ou le "
                "journal entier a été réécrit hors de l'application."]
    problems = []
    previous: Entry | None = None
    expected = GENESIS
    for index, entry in enumerate(entries):
        following = entries[index + 1] if index + 1 < len(entries) else None
        if not sealed[index]:
            if following is not None and following.prev_hash == expected:
                problems.append(f"{entry.label()} a été insérée hors de l'application (le chaînage la contourne).")
                continue  # the chain goes on from the entry before it
            if following is None:
                problems.append(f"{entry.label()}, la dernière, a été ajoutée ou modifiée hors de l'application.")
            else:
                problems.append(f"{entry.label()} a été modifiée hors de l'application (son sceau ne correspond "
                                "plus à son contenu).")
        elif entry.prev_hash != expected:
            where = f"entre {previous.label()} et {entry.label()}" if previous else f"avant {entry.label()}"
            problems.append(f"une ou plusieurs entrées ont été supprimées {where}.")
        previous = entry
        expected = entry.entry_hash or ""
    return problems


def verify(entries: Sequence[Entry], key: bytes, live_state: str, heads: Sequence[str] = (),
           content_problems: Sequence[str] = ()) -> Verdict:
    """Check the chain `entries` (in `audit_id` order) with `key`, the live data against the
    last state digest, and that every head hash recorded elsewhere is still one of its entries;
    `content_problems` are what the store found of data the digest covers only by their hash."""
    problems = _chain_problems(entries, key)
    for entry in entries:
        if entry.action == OUTSIDE_CHANGE and entry.actor == SYSTEM_ACTOR:
            since = json.loads(entry.after or "{}").get("depuis_entree")
            shown = fr_number(since) if isinstance(since, int) else "?"
            problems.append(f"données modifiées hors de l'application depuis l'entrée n° {shown}, "
                            f"constaté à l'ouverture de la base par {entry.label()}.")
    stated = [e for e in entries if e.state_hash is not None]
    state_entry = stated[-1] if stated else None
    if state_entry is not None and state_entry.state_hash != live_state:
        problems.append(f"données modifiées hors de l'application depuis l'entrée n° "
                        f"{fr_number(state_entry.audit_id)} (elles ne correspondent plus à l'état qu'elle a "
                        "enregistré).")
    known = {e.entry_hash for e in entries}
    for head in heads:
        if head not in known:
            problems.append(f"l'empreinte « {head} », relevée hors de la base, n'est plus une entrée du journal : "
                            "son historique a été réécrit ou tronqué depuis.")
    problems += content_problems
    return Verdict(entries=len(entries), legacy=sum(e.legacy for e in entries),
                   head=entries[-1].entry_hash if entries else None,
                   state_entry=state_entry.audit_id if state_entry else None, problems=problems)
