"""One file per page of the dashboard, run by `st.navigation` (see `dashboard.ui.app`).

A page is a script: it reads the session, asks the core and the store, and draws.
"""
