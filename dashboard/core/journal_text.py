"""The journal in words: one French sentence for each entry of `audit_log`, naming people,
towns and calls instead of logins and keys; the call an entry concerns (the page's filter);
the author's name; the action's label; and the raw detail of an entry for whoever checks it.

The store writes every entry (`StoreBase._append_audit`): an action in French, an entity and
its key (`entity_id`, parts joined by « / »), what the row was before and what it is after, as
JSON. Each phrasing below reads the payload its writer stores (the writer is named above it).
An action this module does not know, or a payload not shaped as expected, still gives a
sentence (the action and its object, named as well as possible), never raw JSON and never an
error. Names come from a `JournalNames` the store builds (`Store.journal_names`); a login, a
juror, a dossier or a call it does not hold is shown by its key.

Text people typed (motives, comments, motivations) stays text in the sentence, on one line;
the page draws the sentences in table cells, never as Markdown.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from dashboard.core.formatting import display_name, fr_count, fr_date, fr_datetime, fr_number, fr_size, is_missing
from dashboard.core.labels import FORCING_LABELS, METHOD_LABELS, ROLE_LABELS, TABLE_LABELS, WEIGHTING_LABELS
from dashboard.core.votes import Tally

# The keys the store writes, as it writes them (`tests/core/test_journal_text.py` checks they match):
# the séance's entity (`store.seance.SEANCE_ENTITY`), the store's own entries (`store.journal`)
# and a refused log-in (`store.base.LOGIN_FAILURE`).
SEANCE_ENTITY = "seance"
SYSTEM_ACTOR = "système"
OUTSIDE_CHANGE = "modification hors de l'application"
LOGIN_FAILURE = "échec de connexion"
# What the journal calls the application when it writes an entry itself.
SYSTEM_NAME = "L'application"
# Entities whose key names no call (an account, a workbook, the schema, the journal itself).
_NO_CALL = ("user", "workbook", "schema", "journal")
# Action labels of the filter that are not the action itself, capitalised.
ACTION_LABELS = {"import": "Import de données"}
# Initials before which « de » becomes « d' ».
ELIDING = frozenset("AEIOUYHÀÂÄÉÈÊËÎÏÔÖÙÛÜŸ")
PRESENCE_LABELS = {"présent": "présent·e", "absent": "absent·e", "excusé": "excusé·e"}
LOGIN_MOTIVES = {"attente imposée": "nouvelle tentative pendant l'attente imposée après des échecs"}


@dataclass(frozen=True)
class DossierName:
    """How a dossier is named: its candidate's name, the département of its commune, its call."""

    town: str
    departement: str | None = None
    call_id: str | None = None

    @property
    def label(self) -> str:
        """« Vittel (88) », the way towns are shown everywhere."""
        return display_name(self.town, self.departement)


@dataclass(frozen=True)
class SeanceName:
    """A séance's call and title."""

    call_id: str
    title: str


@dataclass(frozen=True)
class JournalNames:
    """The names the sentences use, each by the key the journal holds (séances and votes by
    their number as text)."""

    people: Mapping[str, str] = field(default_factory=dict)  # login → name
    jurors: Mapping[str, str] = field(default_factory=dict)  # juror_id → name
    dossiers: Mapping[str, DossierName] = field(default_factory=dict)
    calls: Mapping[str, str] = field(default_factory=dict)  # call_id → label
    criteria: Mapping[str, str] = field(default_factory=dict)  # criterion_id → label
    seances: Mapping[str, SeanceName] = field(default_factory=dict)
    votes: Mapping[str, str] = field(default_factory=dict)  # vote_id → dossier_id

    def person(self, login: str) -> str:
        return SYSTEM_NAME if login == SYSTEM_ACTOR else self.people.get(login, login)

    def juror(self, juror_id: Any) -> str:
        return self.jurors.get(str(juror_id), str(juror_id))

    def dossier(self, dossier_id: Any) -> str:
        found = self.dossiers.get(str(dossier_id))
        return found.label if found else str(dossier_id)

    def call(self, call_id: Any) -> str:
        return f"« {self.calls.get(str(call_id), str(call_id))} »"

    def criterion(self, criterion_id: Any) -> str:
        return f"« {self.criteria.get(str(criterion_id), str(criterion_id))} »"

    def named(self, key: str) -> str:
        """A part of an entity's key by what it names, when it names something known."""
        if key in self.dossiers:
            return self.dossier(key)
        if key in self.jurors:
            return self.juror(key)
        if key in self.calls:
            return f"l'appel {self.call(key)}"
        return self.people.get(key, key)


@dataclass(frozen=True)
class JournalEntry:
    """One entry of the journal as stored: `before` and `after` are the JSON texts (or None)."""

    action: str
    entity: str
    entity_id: str | None
    before: str | None
    after: str | None
    actor: str


@dataclass(frozen=True)
class _Line:
    """An entry ready to phrase: its author's name, its key's parts and its payloads read."""

    entry: JournalEntry
    names: JournalNames
    who: str
    parts: tuple[str, ...]
    before: dict[str, Any]
    after: dict[str, Any]

    def part(self, index: int) -> str:
        return self.parts[index] if index < len(self.parts) else ""


# --------------------------------------------------------------------------- reading payloads

def _payload(raw: str | None) -> dict[str, Any]:
    """A stored JSON object; anything else (nothing, not JSON, not an object) reads as empty."""
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _text(payload: Mapping[str, Any], key: str) -> str | None:
    """A value as one line of text (None when absent or empty)."""
    value = payload.get(key)
    if value is None or isinstance(value, (dict, list)):
        return None
    text = " ".join(str(value).split())
    return text or None


def _int(payload: Mapping[str, Any], key: str) -> int | None:
    value = payload.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value)


def _mapping(payload: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = payload.get(key)
    return value if isinstance(value, dict) else {}


def _of(name: str) -> str:
    """« de Paul Durand », « d'Hélène Marchetti », « d'Auxerre (89) »."""
    return f"d'{name}" if name[:1].upper() in ELIDING else f"de {name}"


def _quoted(text: str | None) -> str:
    return f"« {text} »" if text else "–"


def _day(value: str | None) -> str:
    """An ISO date as « 26/09/2019 » (the text as it is when it is not one)."""
    try:
        return fr_date(value)
    except ValueError:
        return str(value)


def _moment(value: str | None) -> str:
    """An ISO time as « 26/09/2019 à 14:03 » (the text as it is when it is not one)."""
    try:
        return fr_datetime(datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _tally(counts: Mapping[str, Any]) -> str:
    return Tally.of_counts({choice: int(n) for choice, n in counts.items()}).count_sentence()


def _motive(line: _Line, key: str, word: str = "motif") -> str:
    """« : motif « … » » when the payload holds one."""
    text = _text(line.after, key)
    return f" : {word} {_quoted(text)}" if text else ""


# --------------------------------------------------------------------------- ratings, profiles, shortlist, decisions

def _rating(line: _Line) -> str:
    """`Store.save_ratings`: key juror/dossier/criterion; before and after: score, comment, version."""
    names = line.names
    score, previous = _int(line.after, "score"), _int(line.before, "score")
    if line.before and previous != score:
        change = f"{fr_number(previous)} → {fr_number(score)}"
    else:
        change = fr_number(score) + (" (inchangée)" if line.before else "")
    sentence = f"{line.who} a noté {names.dossier(line.part(1))} sur {names.criterion(line.part(2))} : {change}"
    comment, earlier = _text(line.after, "comment"), _text(line.before, "comment")
    if comment and comment != earlier:
        sentence += f", commentaire : {_quoted(comment)}"
    elif earlier and not comment:
        sentence += ", commentaire retiré"
    return sentence


def _profile_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """What a weight profile is, or what changed in it: method, weighting, weights."""
    changes = []
    method, earlier = _text(after, "method"), _text(before, "method")
    if method and method != earlier:
        shown = METHOD_LABELS.get(method, method)
        changes.append(f"méthode {METHOD_LABELS.get(earlier, earlier)} → {shown}" if earlier else f"méthode {shown}")
    mode, earlier_mode = _text(_mapping(after, "weighting"), "mode"), _text(_mapping(before, "weighting"), "mode")
    if mode and mode != earlier_mode:
        changes.append(f"pondération {WEIGHTING_LABELS.get(mode, mode)}")
    if before:
        weights, earlier_weights = _mapping(after, "weights"), _mapping(before, "weights")
        moved = sum(weights.get(c) != earlier_weights.get(c) for c in set(weights) | set(earlier_weights))
        if moved:
            changes.append(f"{fr_count(moved, 'poids')} modifié{'s' if moved > 1 else ''}")
    return changes


def _weight_profile(line: _Line) -> str:
    """`Store.save_weight_profile`: key call/name; before (or None) and after: the profile."""
    name = "/".join(line.parts[1:])
    verb = "modifié" if line.before else "enregistré"
    changes = _profile_changes(line.before, line.after)
    return (f"{line.who} a {verb} le profil de pondération {_quoted(name)} de l'appel {line.names.call(line.part(0))}"
            + (f" : {', '.join(changes)}" if changes else ""))


INCONSISTENCY_ACCEPTED = "profil AHP incohérent confirmé"


def _inconsistency_accepted(line: _Line) -> str:
    """`Store.save_weight_profile` of a profile whose AHP comparisons exceed CR 0,10, confirmed by its
    author: key call/name; after: the blocks and their ratios."""
    name = "/".join(line.parts[1:])
    return (f"{line.who} a confirmé l'enregistrement du profil {_quoted(name)} de l'appel "
            f"{line.names.call(line.part(0))} malgré des comparaisons AHP incohérentes "
            f"({_text(line.after, 'consistency')})")


def _forcing(line: _Line) -> str:
    """`Store.set_forcing`: key call/dossier; before and after: kind and justification (None: none)."""
    dossier = line.names.dossier(line.part(1))
    kind = _text(line.after, "kind")
    if kind == "force_out":
        return f"{line.who} a écarté {dossier} de la liste restreinte{_motive(line, 'justification')}"
    if kind == "force_in":
        return f"{line.who} a imposé {dossier} dans la liste restreinte{_motive(line, 'justification')}"
    earlier = _text(line.before, "kind")
    was = f" (auparavant {FORCING_LABELS.get(earlier, earlier)})" if earlier else ""
    return f"{line.who} a levé le forçage {_of(dossier)} dans la liste restreinte{was}"


def _decision(line: _Line) -> str:
    """`Store.record_decision`: key call/dossier; before: decision, rationale; after: decision,
    rationale, ecart_au_vote, seance, vote, decompte."""
    decision, earlier = _text(line.after, "decision"), _text(line.before, "decision")
    sentence = f"{line.who} a enregistré la décision {_quoted(decision)} pour {line.names.dossier(line.part(1))}"
    if earlier and earlier != decision:
        sentence += f" (auparavant {_quoted(earlier)})"
    sentence += _motive(line, "rationale", "motivation")
    tally = _mapping(line.after, "decompte")
    if tally:
        sentence += f" ; vote : {_tally(tally)}"
    departure = _text(line.after, "ecart_au_vote")
    return sentence + (f" ; écart au vote : {_quoted(departure)}" if departure else "")


# --------------------------------------------------------------------------- import, documents, rapporteurs

def _import(line: _Line) -> str:
    """`Store._import_rows`: key the source; after: source and, per table, added / updated / unchanged."""
    source = _text(line.after, "source") or line.entry.entity_id
    changes = []
    for table, change in _mapping(line.after, "tables").items():
        counts = change if isinstance(change, dict) else {}
        added, updated = _int(counts, "added") or 0, _int(counts, "updated") or 0
        done = ([fr_count(added, "ajout")] if added else []) + ([fr_count(updated, "modification")] if updated else [])
        if done:
            changes.append(f"{TABLE_LABELS.get(table, table)} : {', '.join(done)}")
    return f"{line.who} a importé {_quoted(source)} : " + (" ; ".join(changes) if changes else "rien de nouveau")


def _document_added(line: _Line) -> str:
    """`Store._attach_planned`: key dossier/file; after: file_name, kind, size_bytes, sha256, source."""
    file_name = _text(line.after, "file_name") or "/".join(line.parts[1:])
    kind, size = _text(line.after, "kind"), _int(line.after, "size_bytes")
    about = ", ".join(([kind.upper()] if kind else []) + ([fr_size(size)] if size is not None else []))
    return (f"{line.who} a ajouté la pièce {_quoted(file_name)}" + (f" ({about})" if about else "")
            + f" au dossier {line.names.dossier(line.part(0))}")


def _document_removed(line: _Line) -> str:
    """`Store.remove_document`: key dossier/file; before: the document; after: reason."""
    file_name = _text(line.before, "file_name") or "/".join(line.parts[1:])
    return (f"{line.who} a retiré la pièce {_quoted(file_name)} du dossier {line.names.dossier(line.part(0))}"
            + _motive(line, "reason"))


def _rapporteurs_assigned(line: _Line) -> str:
    """`Store.set_rapporteurs`: key the call; after: par_dossier, plafond, avec_presidence, dossiers,
    gardes_a_la_main, retires_a_la_main, charges, rapporteurs."""
    after = line.after
    per, count, cap = _int(after, "par_dossier"), _int(after, "dossiers"), _int(after, "plafond")
    details = []
    if per is not None:
        details.append(f"{fr_number(per)} par dossier" + (f" pour {fr_count(count, 'dossier')}" if count else ""))
    details.append(f"au plus {fr_count(cap, 'dossier')} par juré" if cap else "sans plafond")
    details.append("présidence comprise" if after.get("avec_presidence") else "hors présidence")
    kept = _int(after, "gardes_a_la_main")
    if kept:
        details.append(f"{fr_number(kept)} désigné(s) à la main gardé(s)")
    return f"{line.who} a réparti les rapporteurs de l'appel {line.names.call(line.part(0))} : {', '.join(details)}"


def _rapporteur_swapped(line: _Line) -> str:
    """`Store.swap_rapporteur`: key the dossier; before and after: rapporteur (a juror)."""
    names = line.names
    leaving, joining = _text(line.before, "rapporteur"), _text(line.after, "rapporteur")
    return (f"{line.who} a remplacé {names.juror(leaving)} par {names.juror(joining)} comme rapporteur de "
            f"{names.dossier(line.part(0))}")


def _rapporteurs_only(line: _Line) -> str:
    """`Store.set_rapporteurs_only`: key the call (the action says which way)."""
    return (f"{line.who} a réservé la notation de l'appel {line.names.call(line.part(0))} "
            "aux rapporteurs de chaque dossier")


def _rating_for_all(line: _Line) -> str:
    return f"{line.who} a ouvert la notation de l'appel {line.names.call(line.part(0))} à tout le jury"


# --------------------------------------------------------------------------- conflicts, accounts, the store's own

def _recusal(line: _Line) -> str:
    """`Store.add_recusal`: key juror/dossier; after: reason, declared_on, ratings_no_longer_counted."""
    names = line.names
    sentence = f"{line.who} a récusé {names.juror(line.part(0))} pour {names.dossier(line.part(1))}"
    declared = _text(line.after, "declared_on")
    sentence += (f" (déclarée le {_day(declared)})" if declared else "") + _motive(line, "reason")
    lost = line.after.get("ratings_no_longer_counted")
    if isinstance(lost, list) and len(lost) == 1:
        sentence += " ; sa note déjà donnée ne compte plus"
    elif isinstance(lost, list) and lost:
        sentence += f" ; ses {fr_number(len(lost))} notes déjà données ne comptent plus"
    return sentence


def _recusal_lifted(line: _Line) -> str:
    """`Store.remove_recusal`: key juror/dossier; before: reason, declared_on."""
    names = line.names
    reason = _text(line.before, "reason")
    return (f"{line.who} a levé la récusation {_of(names.juror(line.part(0)))} pour {names.dossier(line.part(1))}"
            + (f" (motif d'origine : {_quoted(reason)})" if reason else ""))


def _no_conflict(line: _Line) -> str:
    """`Store.declare_no_conflict`: key juror/call; after: declared_on."""
    names = line.names
    declared = _text(line.after, "declared_on")
    return (f"{line.who} a enregistré la déclaration sans conflit d'intérêts {_of(names.juror(line.part(0)))} "
            f"pour l'appel {names.call(line.part(1))}" + (f" (déclarée le {_day(declared)})" if declared else ""))


def _account_created(line: _Line) -> str:
    """`Store.add_user`: key the login; after: name, role, organisation, juror_id."""
    login = line.part(0)
    name = _text(line.after, "name") or line.names.person(login)
    role, organisation = _text(line.after, "role"), _text(line.after, "organisation")
    about = ", ".join(([ROLE_LABELS.get(role, role)] if role else []) + ([organisation] if organisation else []))
    return f"{line.who} a créé le compte {_quoted(login)} {_of(name)}" + (f" ({about})" if about else "")


def _password_changed(line: _Line) -> str:
    """`Store.set_password`: key the login; no payload."""
    login = line.part(0)
    if login == line.entry.actor:
        return f"{line.who} a changé son mot de passe"
    return f"{line.who} a changé le mot de passe {_of(line.names.person(login))}"


def _login_refused(line: _Line) -> str:
    """`Store.record_login_failure`: key the login; after: motif."""
    motive = _text(line.after, "motif")
    return (f"Connexion refusée pour {line.names.person(line.part(0))}"
            + (f" : {LOGIN_MOTIVES.get(motive, motive)}" if motive else ""))


def _migration(line: _Line) -> str:
    """`Store.seal_after_migration`: key the last version; after: versions, entrees_anciennes_scellees."""
    versions = line.after.get("versions")
    steps = [str(v) for v in versions] if isinstance(versions, list) else []
    sealed = _int(line.after, "entrees_anciennes_scellees")
    return (f"{line.who} a mis à jour le schéma de la base en version {line.entry.entity_id or '–'}"
            + (f" (étape{'s' if len(steps) > 1 else ''} {', '.join(steps)})" if steps else "")
            + (f" ; {fr_count(sealed, 'entrée ancienne')} scellée{'s' if sealed > 1 else ''}" if sealed else ""))


def _outside_change(line: _Line) -> str:
    """`Store.record_outside_change`: before and after: the state digests; after: depuis_entree."""
    since = _int(line.after, "depuis_entree")
    return (f"{line.who} a constaté, à l'ouverture de la base, que ses données avaient été modifiées hors de "
            "l'application" + (f" depuis l'entrée n° {fr_number(since)}" if since is not None else ""))


# --------------------------------------------------------------------------- the séance

def _seance_opened(line: _Line) -> str:
    """`Store.open_seance`: after: appel, lieu, taille_liste, ordre_du_jour, reglages_officiels."""
    after = line.after
    agenda, size, place = after.get("ordre_du_jour"), _int(after, "taille_liste"), _text(after, "lieu")
    details = ([f"{fr_count(len(agenda), 'dossier')} à l'ordre du jour"] if isinstance(agenda, list) else []) + \
        ([f"liste restreinte de {fr_number(size)}"] if size else []) + ([f"lieu : {place}"] if place else [])
    return (f"{line.who} a ouvert la séance {_quoted(_seance_title(line))} de l'appel "
            f"{line.names.call(_text(after, 'appel') or _seance_call(line))}"
            + (f" : {', '.join(details)}" if details else ""))


def _seance_closed(line: _Line) -> str:
    return f"{line.who} a clos la séance {_quoted(_seance_title(line))}"


def _seance_reopened(line: _Line) -> str:
    """`Store.reopen_seance`: after: close_le, close_par (a name)."""
    closed, by = _text(line.after, "close_le"), _text(line.after, "close_par")
    return (f"{line.who} a rouvert la séance {_quoted(_seance_title(line))}"
            + (f", close le {_moment(closed)}" if closed else "") + (f" par {by}" if by else ""))


def _attendance(line: _Line) -> str:
    """`Store.mark_attendance`: after: jure, presence, avant."""
    status, earlier = _text(line.after, "presence"), _text(line.after, "avant")
    juror = line.names.juror(_text(line.after, "jure"))
    sentence = f"{line.who} a pointé {juror} {PRESENCE_LABELS.get(status or '', status)}"
    if earlier and earlier != status:
        sentence += f" (auparavant {PRESENCE_LABELS.get(earlier, earlier)})"
    return sentence


def _departure(line: _Line) -> str:
    """`Store.record_departure`: after: jure."""
    return f"{line.who} a noté le départ {_of(line.names.juror(_text(line.after, 'jure')))}"


def _agenda(line: _Line) -> str:
    """The agenda's three changes: a move (dossier, de, a), a removal (dossier_retire, motif,
    detail), an addition (dossier_ajoute)."""
    names, after = line.names, line.after
    if "dossier_retire" in after:
        return f"{line.who} a retiré {names.dossier(after['dossier_retire'])} de l'ordre du jour"
    if "dossier_ajoute" in after:
        return f"{line.who} a ajouté {names.dossier(after['dossier_ajoute'])} à l'ordre du jour"
    start, end = _int(after, "de"), _int(after, "a")
    return (f"{line.who} a déplacé {names.dossier(_text(after, 'dossier'))} dans l'ordre du jour"
            + (f" de la position {fr_number(start)} à la position {fr_number(end)}" if start and end else ""))


def _discussed(line: _Line) -> str:
    """`Store.discuss_dossier`, `Store.next_dossier`: after: avant, dossier_en_discussion (None: none)."""
    dossier = _text(line.after, "dossier_en_discussion")
    if dossier is None:
        return f"{line.who} a clos la discussion : plus aucun dossier en discussion"
    return f"{line.who} a mis {line.names.dossier(dossier)} en discussion"


def _vote_number(line: _Line) -> str:
    """« vote n° 3 sur Vittel (88) » (its dossier when known)."""
    vote = _text(line.after, "vote")
    dossier = _text(line.after, "dossier") or line.names.votes.get(vote or "")
    return f"vote n° {vote or '–'}" + (f" sur {line.names.dossier(dossier)}" if dossier else "")


def _vote_opened(line: _Line) -> str:
    """`Store.open_vote`: after: vote, dossier, votants_possibles."""
    voters = _int(line.after, "votants_possibles")
    return (f"{line.who} a ouvert le {_vote_number(line)}"
            + (f" : {fr_count(voters, 'votant')} possible{'s' if voters > 1 else ''}" if voters else ""))


def _vote_cast(line: _Line) -> str:
    """`Store.cast_ballot`: after: vote, jure (who took part, never what they chose)."""
    return f"{line.who} a pris part au {_vote_number(line)}"


def _vote_closed(line: _Line) -> str:
    """`Store.close_vote`: after: vote, decompte."""
    tally = _mapping(line.after, "decompte")
    return f"{line.who} a clos le {_vote_number(line)}" + (f" : {_tally(tally)}" if tally else "")


def _vote_cancelled(line: _Line) -> str:
    """`Store.cancel_vote` (after: vote, motif) and `record_interrupted_votes` (after: votes_annules, motif)."""
    voided = line.after.get("votes_annules")
    if isinstance(voided, list):
        numbers = ", ".join(f"n° {v}" for v in voided)
        motive = _text(line.after, "motif")
        return (f"{line.who} a consigné l'annulation {'des votes' if len(voided) > 1 else 'du vote'} {numbers}"
                + (f" : {motive}" if motive else ""))
    return f"{line.who} a annulé le {_vote_number(line)}"


def _official_settings(line: _Line) -> str:
    """`Store._set_official`, `_forcings_changed`: after: changement, version, avant, apres."""
    change, version = _text(line.after, "changement"), _int(line.after, "version")
    return (f"{line.who} a modifié les réglages officiels" + (f", version {fr_number(version)}" if version else "")
            + (f" — {change}" if change else ""))


def _seance_decision(line: _Line) -> str:
    """`Store.record_decision` in a séance: after: dossier, decision, vote."""
    vote = _text(line.after, "vote")
    return (f"{line.who} a consigné la décision {_quoted(_text(line.after, 'decision'))} sur "
            f"{line.names.dossier(_text(line.after, 'dossier'))}" + (f" après le vote n° {vote}" if vote else ""))


def _seance_title(line: _Line) -> str:
    seance = line.names.seances.get(line.entry.entity_id or "")
    return _text(line.after, "seance") or (seance.title if seance else f"n° {line.entry.entity_id or '–'}")


def _seance_call(line: _Line) -> str:
    seance = line.names.seances.get(line.entry.entity_id or "")
    return seance.call_id if seance else "–"


# --------------------------------------------------------------------------- the phrasings, by action

Phrasing = Callable[[_Line], str]
PHRASINGS: dict[str, Phrasing] = {
    "notation": _rating,
    "profil de pondération": _weight_profile,
    INCONSISTENCY_ACCEPTED: _inconsistency_accepted,
    "forçage de la liste restreinte": _forcing,
    "décision": _decision,
    "import": _import,
    "ajout de pièce": _document_added,
    "retrait de pièce": _document_removed,
    "répartition des rapporteurs": _rapporteurs_assigned,
    "rapporteur remplacé": _rapporteur_swapped,
    "notation réservée aux rapporteurs": _rapporteurs_only,
    "notation ouverte à tous": _rating_for_all,
    "récusation": _recusal,
    "levée de récusation": _recusal_lifted,
    "déclaration sans conflit": _no_conflict,
    "création de compte": _account_created,
    "changement de mot de passe": _password_changed,
    LOGIN_FAILURE: _login_refused,
    "migration du schéma": _migration,
    OUTSIDE_CHANGE: _outside_change,
}
# The séance's entries (entity `seance`, key the séance's number): their sentence ends with the séance.
SEANCE_PHRASINGS: dict[str, Phrasing] = {
    "présence": _attendance,
    "départ d'un juré": _departure,
    "ordre du jour modifié": _agenda,
    "dossier en discussion": _discussed,
    "ouverture du vote": _vote_opened,
    "participation au vote": _vote_cast,
    "clôture du vote": _vote_closed,
    "vote annulé": _vote_cancelled,
    "réglages officiels": _official_settings,
    "décision": _seance_decision,
}
# The séance's entries that name it themselves.
SEANCE_OWN_PHRASINGS: dict[str, Phrasing] = {
    "ouverture de la séance": _seance_opened,
    "clôture de la séance": _seance_closed,
    "réouverture de la séance": _seance_reopened,
}


def _generic(line: _Line) -> str:
    """Any other entry: the action and what its key names."""
    named = " / ".join(line.names.named(part) for part in line.parts if part)
    return f"{line.who} : {line.entry.action}" + (f" — {named}" if named else "")


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def author_name(login: str, names: JournalNames) -> str:
    """Who wrote an entry, by name (the login when unknown; the application for its own)."""
    return _capitalised(names.person(login))


def entry_sentence(entry: JournalEntry, names: JournalNames) -> str:
    """The entry in one French sentence, its author named first."""
    line = _Line(entry, names, author_name(entry.actor, names), tuple((entry.entity_id or "").split("/")),
                 _payload(entry.before), _payload(entry.after))
    in_seance = entry.entity == SEANCE_ENTITY
    if in_seance:
        phrasing = SEANCE_OWN_PHRASINGS.get(entry.action) or SEANCE_PHRASINGS.get(entry.action)
    else:
        phrasing = PHRASINGS.get(entry.action)
    try:
        sentence = phrasing(line) if phrasing else _generic(line)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):  # a payload not as its writer stores it
        sentence = _generic(line)
    if in_seance and entry.action not in SEANCE_OWN_PHRASINGS:
        sentence += f" (séance {_quoted(_seance_title(line))})"
    return _capitalised(sentence)


def entry_call(entry: JournalEntry, names: JournalNames) -> str | None:
    """The call an entry concerns: the séance's, or the call or dossier its key names; None
    for an entry of no call (an account, an import, the store's own)."""
    if entry.entity == SEANCE_ENTITY:
        seance = names.seances.get(entry.entity_id or "")
        return seance.call_id if seance else None
    if entry.entity in _NO_CALL:
        return None
    for part in (entry.entity_id or "").split("/"):
        if part in names.calls:
            return part
        dossier = names.dossiers.get(part)
        if dossier is not None:
            return dossier.call_id
    return None


def action_label(action: str, entity: str) -> str:
    """The action as the filter shows it: « Notation », « Séance : présence »."""
    if entity == SEANCE_ENTITY and "séance" not in action:
        return f"Séance : {action}"
    return ACTION_LABELS.get(action) or _capitalised(action)


def _pretty(raw: str | None) -> str:
    if not raw:
        return "–"
    try:
        return json.dumps(json.loads(raw), indent=2, ensure_ascii=False, sort_keys=True)
    except ValueError:
        return raw


def raw_detail(audit_id: int, entry: JournalEntry) -> str:
    """An entry as stored, for whoever checks it: its number, action, entity and key, and its
    before and after as indented JSON (plain text, to draw as code)."""
    return (f"n° {audit_id} · action « {entry.action} » · {entry.entity} {entry.entity_id or '–'} · "
            f"par {entry.actor}\navant : {_pretty(entry.before)}\naprès : {_pretty(entry.after)}")


def _optional(value: Any) -> str | None:
    return None if is_missing(value) else str(value)


def _entries(log: pd.DataFrame) -> list[JournalEntry]:
    """The entries of a frame of `audit_log` rows (a missing key or payload as None)."""
    return [JournalEntry(str(action), str(entity), _optional(key), _optional(before), _optional(after), str(actor))
            for action, entity, key, before, after, actor in zip(
                log["action"], log["entity"], log["entity_id"], log["before"], log["after"], log["actor"],
                strict=True)]


def raw_details(log: pd.DataFrame) -> list[str]:
    """`raw_detail` of every row of a frame of `audit_log` rows, in its order."""
    return [raw_detail(int(audit_id), entry) for audit_id, entry in zip(log["audit_id"], _entries(log), strict=True)]


def described_log(log: pd.DataFrame, names: JournalNames) -> pd.DataFrame:
    """The journal (`Store.audit_log`) with, for each entry, its author's name (`author`), its
    sentence (`sentence`), its call (`call_id`, None: of no call) and its action's label
    (`action_label`); latest first. One pass over the lines, no lookup but the names'."""
    entries = _entries(log)
    described = log.assign(
        author=[author_name(e.actor, names) for e in entries],
        sentence=[entry_sentence(e, names) for e in entries],
        call_id=pd.Series([entry_call(e, names) for e in entries], index=log.index, dtype=object),
        action_label=[action_label(e.action, e.entity) for e in entries],
    )
    return described.sort_values("audit_id", ascending=False)
