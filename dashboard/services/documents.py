"""Attaching documents to a call's dossiers, all or nothing: the files read
(`document_files`), each matched to its dossier and checked, then stored in one
transaction (`Store.add_documents`), or every problem reported and nothing written.
`jury attach`, the « Import des pièces » section of /import and `jury init`'s demo
documents all come through `attach_files`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from dashboard.core.documents import attach_sentence
from dashboard.errors import DocumentsRejected, Problem, StoreError
from dashboard.resources import DEMO_DOCUMENTS, resource
from dashboard.services.document_files import (
    IncomingFile,
    archive_files,
    content_kind,
    file_problem,
    match_files,
)
from dashboard.store import Store
from dashboard.store.access import OPERATOR, Actor, require
from dashboard.store.documents import NEW, NewDocument, PlannedDocument


@dataclass(frozen=True)
class AttachReport:
    """What an attachment did, file by file."""

    call_id: str
    source: str
    planned: list[PlannedDocument]

    @property
    def added(self) -> int:
        return sum(plan.outcome == NEW for plan in self.planned)

    def lines(self) -> list[str]:
        """The report: one sentence, then each file, its dossier and what became of it."""
        lines = [attach_sentence(self.call_id, self.added, len(self.planned) - self.added)]
        lines += [f"  – {plan.document.source} → {plan.document.dossier_id} : {plan.outcome}"
                  + (f" ({plan.detail})" if plan.detail else "") for plan in self.planned]
        return lines


def _checked(store: Store, actor: Actor, call_id: str,
             files: Sequence[IncomingFile]) -> tuple[list[NewDocument], list[Problem]]:
    """The files matched to the call's dossiers and checked; every problem found."""
    dossier_ids = list(store.dossiers(actor, call_id)["dossier_id"])
    matched, problems = match_files(files, dossier_ids, call_id)
    documents: list[NewDocument] = []
    for match in matched:
        kind, reason = content_kind(match.file)
        if reason is not None:
            problems.append(file_problem(match.file.path, reason))
        elif kind is not None:
            documents.append(NewDocument(match.dossier_id, match.file.path, match.file.name, kind,
                                         match.file.content))
    return documents, problems


def attach_files(store: Store, actor: Actor, call_id: str, files: Sequence[IncomingFile], source: str,
                 read_problems: Sequence[Problem] = ()) -> AttachReport:
    """Attach `files` (read from `source`) to the call's dossiers, or refuse them all
    (`DocumentsRejected`, every problem listed) and write nothing."""
    require(actor, "attach_documents")
    if call_id not in set(store.calls()["call_id"]):
        raise StoreError(f"Appel « {call_id} » inconnu.")
    if not files and not read_problems:
        raise DocumentsRejected([file_problem(source, "aucun fichier à attacher")])
    documents, problems = _checked(store, actor, call_id, files)
    if read_problems or problems:
        # what the store would refuse too, so that one report lists everything
        raise DocumentsRejected([*read_problems, *problems, *store.plan_documents(call_id, documents)[1]])
    # the store plans the batch in its transaction and refuses it whole (`DocumentsRejected`)
    return AttachReport(call_id, source, store.add_documents(actor, call_id, documents, source))


def attach_demo_documents(store: Store) -> list[AttachReport]:
    """The demo's synthetic « dossier de candidature » PDFs (`data/build_demo_documents.py`),
    each call's from its folder of the archive, attached by the operator."""
    with resources.as_file(resource(DEMO_DOCUMENTS)) as archive:
        files, problems = archive_files(DEMO_DOCUMENTS, archive.read_bytes())
    if problems:
        raise DocumentsRejected(problems)
    return [attach_files(store, OPERATOR, call_id, [f for f in files if f.path.startswith(f"{call_id}/")],
                         f"{DEMO_DOCUMENTS}/{call_id}") for call_id in store.calls()["call_id"]]
