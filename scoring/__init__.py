"""Decision engine of the jury « Au cœur des territoires »: the public facade.

Pure functions over numpy/pandas (no Streamlit, no DuckDB, no file I/O
except the CLI `python -m scoring`):

* `rank(matrix, spec)` ranks alternatives by WSM, WPM, TOPSIS, VIKOR or
  PROMETHEE II (`scoring.ranking`, maths in `scoring.methods`);
* `weights(method, **kwargs)` gives criteria weights: equal, points, AHP (flat,
  or by groups of criteria with `groups=`),
  ROC, entropy, CRITIC (`scoring.weighting`);
* `aggregate_ratings(ratings, ...)` turns juror ratings into values with
  agreement statistics and a per-dossier disagreement score (`scoring.ratings`);
* `most_contested(disagreement, count, min_spread)` lists the most contested
  dossiers of those ratings, by that score (`scoring.ratings`);
* `sensitivity(matrix, spec, ...)` measures how robust a ranking is
  (`scoring.sensitivity`);
* `shortlist(scores, attributes, size, constraints)` builds a balanced
  shortlist by integer programming (`scoring.shortlist`).

Bad input raises `ScoringError`, a `ValueError` with a French message.
"""

from scoring.errors import ScoringError
from scoring.ranking import RankResult, rank
from scoring.ratings import RatingsResult, aggregate_ratings, most_contested
from scoring.sensitivity import sensitivity
from scoring.shortlist import shortlist
from scoring.spec import CriterionSpec, Direction, Preference, Spec, parse_spec
from scoring.weighting import WeightsResult, weights

__all__ = [
    "CriterionSpec",
    "Direction",
    "Preference",
    "RankResult",
    "RatingsResult",
    "ScoringError",
    "Spec",
    "WeightsResult",
    "aggregate_ratings",
    "most_contested",
    "parse_spec",
    "rank",
    "sensitivity",
    "shortlist",
    "weights",
]
