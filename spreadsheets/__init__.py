"""Spreadsheet import and export of a whole plan (CSV or XLSX). See ``services``."""
