"""Whole-plan import and export as spreadsheets (CSV or XLSX), with the preview kept between
upload and confirmation."""
