"""`jury` with a fault injected: every page that loads a call's data fails.

Run as `python tests/helpers/faulty_server.py serve --db PATH --port N --address 127.0.0.1`.

The product has no test hook to make a page fail, and should not grow one: a switch that breaks
pages on demand is a liability in production code. So this launcher, in the test tree only,
replaces `dashboard.ui.session.load_call` (what every page after log-in calls, through the
cached `_load_call`, to read the selected call) by a function that raises, then runs the real
command exactly as `python -m dashboard` does. The server, its settings, its headers and its error
boundary (`dashboard.ui.server.show_script_error`) are the real ones, in the same process: the
entry script imports `dashboard.ui.session` from `sys.modules`, so it sees the replacement.

The error message names this file's absolute path, so a test can check that no such detail
reaches the page (it belongs to the incident log beside the database).

Importing `dashboard.ui.session` here applies its `st.cache_data` before Streamlit's runtime
exists, so the server log shows « No runtime found, using MemoryCacheStorageManager » once: only
the decorator's check of its parameters runs then; the cache itself is made at the first call,
inside the runtime, as under `jury serve`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
# Run as a script, Python puts this folder first on the path, where `tests/helpers/packaging.py`
# would shadow the `packaging` distribution Streamlit imports: the repository root goes there instead.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import dashboard.cli  # noqa: E402
import dashboard.ui.session  # noqa: E402


def failing_load_call(*_args: object, **_kwargs: object) -> NoReturn:
    raise RuntimeError(f"panne simulée dans {Path(__file__).resolve()}")


dashboard.ui.session.load_call = failing_load_call  # type: ignore[attr-defined]

if __name__ == "__main__":
    sys.exit(dashboard.cli.main(sys.argv[1:]))
