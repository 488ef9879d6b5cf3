"""Streamlit only: the entry script (`app.py`), the session, the log-in form, the meeting
state and the widgets several pages draw."""
