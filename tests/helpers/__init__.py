"""Helpers shared by the tests (workbooks, LibreOffice read-back, the browser)."""
