"""The documents of each dossier, stored whole in the database (a backup keeps them):
who may list, open, attach and remove them, and their integrity.

A document is its dossier, its file name, its kind, its size, the SHA-256 of its content,
who added it and when, and the content itself. The same content twice on a dossier is
one document; another content under a name the dossier already has is refused (nothing
stored is replaced). Attaching is the administration's, in one transaction per batch,
each document journalled; removing one is the administration's too, with a reason,
journalled with what it removed. A juror recused from a dossier can neither list nor
open its documents: the store refuses, whatever page or address asks.

The journal's state digest covers every column but the content; `content_problems`
recomputes each content's digest against its recorded one (`jury audit --verify`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import pandas as pd

from dashboard.core.documents import DOCUMENT_KINDS, MAX_CALL_BYTES, MAX_DOCUMENT_BYTES, too_large
from dashboard.core.formatting import fr_number, fr_size
from dashboard.errors import DocumentsRejected, Problem, StoreError
from dashboard.store.access import OPERATOR, Actor, require
from dashboard.store.seance import SeanceRecords

DOCUMENT_ENTITY = "document"
# Who added a document, by name: an account's, or the operator's (`jury attach`, `jury init`).
_LISTED = ("d.document_id, d.dossier_id, d.file_name, d.kind, d.size_bytes, d.sha256, "
           "coalesce(u.name, CASE WHEN d.added_by = ? THEN ? END, d.added_by) AS added_by, d.added_at")
_FROM = "FROM dossier_documents d LEFT JOIN users u ON u.login = d.added_by"

NEW = "nouveau"
PRESENT = "déjà présent"


@dataclass(frozen=True)
class NewDocument:
    """A checked file to attach to a dossier: `source` is how the person named it (its path in
    the folder or archive), `file_name` the name it is stored and downloaded under."""

    dossier_id: str
    source: str
    file_name: str
    kind: str
    content: bytes

    @cached_property
    def sha256(self) -> str:
        """Computed once: a batch is planned, then planned again in its transaction, then written."""
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class StoredDocument:
    """One stored document with its content (what a reader opens or downloads)."""

    document_id: int
    dossier_id: str
    file_name: str
    kind: str
    content: bytes

    @property
    def mime(self) -> str:
        return DOCUMENT_KINDS[self.kind].mime


@dataclass(frozen=True)
class PlannedDocument:
    """What attaching one file would do: « nouveau » or « déjà présent » (and as which)."""

    document: NewDocument
    outcome: str
    detail: str = ""


def _problem(document: NewDocument, message: str) -> Problem:
    return Problem(document.source, None, None, None, message, place="fichier")


class DocumentRecords(SeanceRecords):
    """The dossiers' documents (mixed into `Store`)."""

    # ------------------------------------------------------------------- reads
    def call_documents(self, actor: Actor, call_id: str) -> pd.DataFrame:
        """The documents of a call's dossiers (no content), those of dossiers the actor is
        recused from left out."""
        require(actor, "read_documents")
        return self._frame(f"SELECT {_LISTED} {_FROM} JOIN dossiers x USING (dossier_id) WHERE x.call_id = ? "
                           "AND NOT EXISTS (SELECT 1 FROM recusals r WHERE r.dossier_id = d.dossier_id "
                           "AND r.juror_id = ?) ORDER BY d.dossier_id, d.file_name",
                           [OPERATOR.login, OPERATOR.name, call_id, actor.juror_id])

    def dossier_documents(self, actor: Actor, dossier_id: str) -> pd.DataFrame:
        """The documents of one dossier (no content); refused to a juror recused from it."""
        require(actor, "read_documents")
        self.check_not_recused(actor, dossier_id)
        return self._frame(f"SELECT {_LISTED} {_FROM} WHERE d.dossier_id = ? ORDER BY d.file_name",
                           [OPERATOR.login, OPERATOR.name, dossier_id])

    def document(self, actor: Actor, document_id: int) -> StoredDocument:
        """One document with its content; refused to a juror recused from its dossier."""
        require(actor, "read_documents")
        rows = self._rows("SELECT document_id, dossier_id, file_name, kind FROM dossier_documents "
                          "WHERE document_id = ?", [document_id])
        if not rows:
            raise StoreError(f"Pièce n° {document_id} introuvable (retirée entre-temps ?).")
        self.check_not_recused(actor, rows[0][1])
        content = self._rows("SELECT content FROM dossier_documents WHERE document_id = ?", [document_id])[0][0]
        return StoredDocument(int(rows[0][0]), rows[0][1], rows[0][2], rows[0][3], bytes(content))

    def document_counts(self) -> dict[str, int]:
        """The number of stored documents per call (calls without any left out)."""
        return {call_id: int(count) for call_id, count in self._rows(
            "SELECT x.call_id, count(*) FROM dossier_documents d JOIN dossiers x USING (dossier_id) "
            "GROUP BY x.call_id")}

    def content_problems(self) -> list[str]:
        """The documents whose content no longer has the digest (or the size) recorded for it."""
        return [f"la pièce n° {fr_number(document_id)} « {name} » du dossier « {dossier_id} » a été modifiée hors "
                "de l'application (son contenu ne correspond plus à son empreinte SHA-256)."
                for document_id, dossier_id, name in self._rows(
                    "SELECT document_id, dossier_id, file_name FROM dossier_documents "
                    "WHERE sha256(content) <> sha256 OR octet_length(content) <> size_bytes ORDER BY document_id")]

    # ---------------------------------------------------------------- attaching
    def plan_documents(self, call_id: str, documents: Sequence[NewDocument]) -> tuple[list[PlannedDocument],
                                                                                      list[Problem]]:
        """What attaching `documents` to the call would do, and what refuses it: a dossier of
        another call, a file over its cap, another content under a name its dossier holds, the
        call's cap passed. Reads only."""
        dossiers = {row[0] for row in self._rows("SELECT dossier_id FROM dossiers WHERE call_id = ?", [call_id])}
        stored = {(dossier_id, digest): name for dossier_id, digest, name in self._rows(
            "SELECT d.dossier_id, d.sha256, d.file_name FROM dossier_documents d JOIN dossiers x USING (dossier_id) "
            "WHERE x.call_id = ?", [call_id])}
        names = {(dossier_id, name.lower()) for (dossier_id, _), name in stored.items()}
        planned: list[PlannedDocument] = []
        problems: list[Problem] = []
        batch: dict[tuple[str, str], str] = {}
        for document in documents:
            key = (document.dossier_id, document.sha256)
            if document.dossier_id not in dossiers:
                problems.append(_problem(document, f"le dossier « {document.dossier_id} » n'est pas un dossier de "
                                                   f"l'appel « {call_id} »"))
            elif len(document.content) > MAX_DOCUMENT_BYTES:
                problems.append(_problem(document, too_large(len(document.content))))
            elif key in stored:
                planned.append(PlannedDocument(document, PRESENT, "" if stored[key] == document.file_name
                                               else f"déjà attaché sous « {stored[key]} »"))
            elif key in batch:
                planned.append(PlannedDocument(document, PRESENT, f"même contenu que « {batch[key]} »"))
            elif (document.dossier_id, document.file_name.lower()) in names:
                problems.append(_problem(document, f"le dossier « {document.dossier_id} » a déjà une pièce nommée "
                                                   f"« {document.file_name} », d'un autre contenu : renommez le "
                                                   "fichier, ou faites d'abord retirer l'ancienne pièce"))
            else:
                batch[key] = document.source
                names.add((document.dossier_id, document.file_name.lower()))
                planned.append(PlannedDocument(document, NEW))
        problems += self._call_cap_problems(call_id, [p.document for p in planned if p.outcome == NEW])
        return planned, problems

    def _call_cap_problems(self, call_id: str, new: Sequence[NewDocument]) -> list[Problem]:
        stored = int(self._rows("SELECT coalesce(sum(d.size_bytes), 0) FROM dossier_documents d "
                                "JOIN dossiers x USING (dossier_id) WHERE x.call_id = ?", [call_id])[0][0])
        added = sum(len(document.content) for document in new)
        if stored + added <= MAX_CALL_BYTES:
            return []
        return [Problem(call_id, None, None, None,
                        f"les pièces de l'appel dépasseraient {fr_size(MAX_CALL_BYTES)} ({fr_size(stored)} déjà "
                        f"enregistrés, {fr_size(added)} de nouvelles pièces)", place="appel")]

    def add_documents(self, actor: Actor, call_id: str, documents: Sequence[NewDocument],
                      source: str) -> list[PlannedDocument]:
        """Attach checked files to the call's dossiers in one transaction, each new one journalled;
        what each file did. Any refusal (`plan_documents`) writes nothing."""
        require(actor, "attach_documents")
        return self._transaction(lambda: self._attach_planned(actor, call_id, documents, source),
                                 doing=f"L'import des pièces de « {source} » a échoué, rien n'a été écrit")

    def _attach_planned(self, actor: Actor, call_id: str, documents: Sequence[NewDocument],
                        source: str) -> list[PlannedDocument]:
        """Inside a transaction: the batch planned (refused whole on any problem), its new documents
        written, each journalled."""
        planned, problems = self.plan_documents(call_id, documents)
        if problems:
            raise DocumentsRejected(problems)
        next_id = int(self._rows("SELECT coalesce(max(document_id), 0) FROM dossier_documents")[0][0]) + 1
        now = datetime.now()
        for offset, plan in enumerate(p for p in planned if p.outcome == NEW):
            document, document_id = plan.document, next_id + offset
            self._write("INSERT INTO dossier_documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [document_id, document.dossier_id, document.file_name, document.kind,
                         len(document.content), document.sha256, actor.login, now, document.content],
                        "dossier_documents", document.dossier_id)
            self._append_audit(actor, "ajout de pièce", DOCUMENT_ENTITY,
                               f"{document.dossier_id}/{document.file_name}", None,
                               {"document_id": document_id, "file_name": document.file_name, "kind": document.kind,
                                "size_bytes": len(document.content), "sha256": document.sha256, "source": source})
        return planned

    # ----------------------------------------------------------------- removing
    def remove_document(self, actor: Actor, document_id: int, reason: str) -> None:
        """Remove one document (the administration's, with a reason), journalled with what it removed."""
        require(actor, "remove_documents")
        if not reason.strip():
            raise StoreError("Le motif du retrait est obligatoire.")
        rows = self._rows("SELECT dossier_id, file_name, kind, size_bytes, sha256, added_by, added_at "
                          "FROM dossier_documents WHERE document_id = ?", [document_id])
        if not rows:
            raise StoreError(f"Pièce n° {document_id} introuvable (retirée entre-temps ?).")
        dossier_id, file_name, kind, size, digest, added_by, added_at = rows[0]

        def work() -> None:
            self._write("DELETE FROM dossier_documents WHERE document_id = ?", [document_id],
                        "dossier_documents", dossier_id)
            self._append_audit(actor, "retrait de pièce", DOCUMENT_ENTITY, f"{dossier_id}/{file_name}",
                               {"document_id": document_id, "file_name": file_name, "kind": kind, "size_bytes": size,
                                "sha256": digest, "added_by": added_by, "added_at": added_at},
                               {"reason": reason.strip()})
        self._transaction(work)
