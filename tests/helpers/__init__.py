"""Helpers shared by the tests: workbooks and paths, LibreOffice read-back, the browser, a served
dashboard, and the project built and installed as a wheel."""
