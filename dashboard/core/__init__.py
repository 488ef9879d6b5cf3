"""Pure domain logic: labels and formats, decision inputs and gates, weight profiles,
the tables and sentences of the meeting pages, figures, charts and the map.

Imports numpy, pandas, scipy, plotly and `scoring` only; reads package data only
through `importlib.resources` (`dashboard.resources`); no SQL, no Streamlit, no files.
"""
