"""Reading progress of a call: who is behind, and which dossiers too few jurors have read.

A juror's reading of a dossier is *complete* when their counted ratings of it
cover every jury criterion (`criterion_group == "jury"`): a rating that no
longer counts (its juror was recused from the dossier after rating it) does
not count here either, and a criterion left unrated leaves the reading
incomplete. With no jury criterion, no reading is complete.

* `juror_progress`: per juror, the dossiers they are rapporteur of
  (``assigned``), those of them they read completely (``complete``), the rest
  (``missing`` = assigned - complete), every dossier of the call they read
  completely, assigned or not (``complete_total``), and their latest rating
  in the call (``last_activity``, NaT when none).
* `under_read`: the dossiers that have rapporteurs and fewer than
  ``per_dossier`` complete readings, counting every juror's (rapporteur or
  not), with their rapporteurs and those of them still to read it.

Inputs are the store's frames: ratings (`Store.ratings`: juror_id,
dossier_id, criterion_id, rated_at, counts), rapporteurs
(`Store.rapporteurs`: dossier_id, juror_id, juror_name) and jurors
(`Store.jurors`: juror_id, name). Pure pandas: no Streamlit, no SQL.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

__all__ = ["PROGRESS_COLUMNS", "UNDER_READ_COLUMNS", "complete_readings", "juror_progress", "under_read"]

PROGRESS_COLUMNS = ("name", "assigned", "complete", "missing", "complete_total", "last_activity")
UNDER_READ_COLUMNS = ("complete", "rapporteurs", "waiting")
_PAIR = ["dossier_id", "juror_id"]


def complete_readings(ratings: pd.DataFrame, criteria: Iterable[str]) -> pd.DataFrame:
    """The (dossier_id, juror_id) pairs whose counted ratings cover every one of `criteria`, one row each,
    sorted by dossier then juror."""
    wanted = set(criteria)
    if not wanted or ratings.empty:
        return pd.DataFrame({"dossier_id": pd.Series(dtype=object), "juror_id": pd.Series(dtype=object)})
    counted = ratings[ratings["counts"].astype(bool) & ratings["criterion_id"].isin(wanted)]
    covered = counted.groupby(_PAIR, sort=True)["criterion_id"].nunique()
    return covered[covered == len(wanted)].index.to_frame(index=False)


def _per_juror(pairs: pd.DataFrame, jurors: pd.Index) -> pd.Series:
    """How many rows of `pairs` each juror of `jurors` has (0 for none)."""
    return pairs.groupby("juror_id").size().reindex(jurors, fill_value=0).astype(int)


def juror_progress(ratings: pd.DataFrame, rapporteurs: pd.DataFrame, jurors: pd.DataFrame,
                   criteria: Iterable[str]) -> pd.DataFrame:
    """One row per juror of `jurors` (index juror_id), with `PROGRESS_COLUMNS` (see the module docstring).

    `rapporteurs` may be empty (no plan): every juror is then assigned 0.
    Sorted the most behind first: ``missing`` descending, then
    ``complete_total`` ascending, then name.
    """
    index = pd.Index(jurors["juror_id"], name="juror_id")
    complete = complete_readings(ratings, criteria)
    assigned = rapporteurs[_PAIR].drop_duplicates()
    done = assigned.merge(complete, on=_PAIR, how="inner")
    if ratings.empty:
        last = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    else:
        last = pd.to_datetime(ratings.groupby("juror_id")["rated_at"].max()).reindex(index)
    frame = pd.DataFrame({
        "name": jurors.set_index("juror_id")["name"].reindex(index).astype(str),
        "assigned": _per_juror(assigned, index),
        "complete": _per_juror(done, index),
        "complete_total": _per_juror(complete, index),
        "last_activity": last,
    }, index=index)
    frame["missing"] = frame["assigned"] - frame["complete"]
    frame = frame.sort_values(["missing", "complete_total", "name"], ascending=[False, True, True], kind="mergesort")
    return frame[list(PROGRESS_COLUMNS)]


def under_read(ratings: pd.DataFrame, rapporteurs: pd.DataFrame, criteria: Iterable[str],
               per_dossier: int) -> pd.DataFrame:
    """The dossiers of `rapporteurs` with fewer than `per_dossier` complete readings (index dossier_id).

    Columns `UNDER_READ_COLUMNS`: ``complete`` (complete readings by any
    juror), ``rapporteurs`` (their names, comma-separated, in the frame's
    order) and ``waiting`` (the rapporteurs whose reading is not complete).
    Sorted by ``complete`` ascending, then dossier id.
    """
    complete = complete_readings(ratings, criteria)
    counts = complete.groupby("dossier_id").size()
    done = set(zip(complete["dossier_id"], complete["juror_id"], strict=True))
    rows = []
    for dossier, group in rapporteurs.groupby("dossier_id", sort=True):
        read = int(counts.get(dossier, 0))
        if read >= per_dossier:
            continue
        names = [str(n) for n in group["juror_name"]]
        waiting = [str(n) for j, n in zip(group["juror_id"], group["juror_name"], strict=True)
                   if (dossier, j) not in done]
        rows.append({"dossier_id": dossier, "complete": read, "rapporteurs": ", ".join(names),
                     "waiting": ", ".join(waiting)})
    frame = pd.DataFrame(rows, columns=["dossier_id", *UNDER_READ_COLUMNS]).set_index("dossier_id")
    frame["complete"] = frame["complete"].astype(int)
    return frame.sort_values(["complete"], kind="mergesort")
