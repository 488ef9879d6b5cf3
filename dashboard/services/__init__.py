"""Orchestration without Streamlit: the store and the pure core put together
(the importer, accounts, the workbook export)."""
