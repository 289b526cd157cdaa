"""Report intake: validation, Thai normalisation, location, dedupe, storage and bulk import.

* `normalise` — pure parsers: Thai/English dates (Buddhist era, Thai digits, month names, Excel serials),
  times, coordinates (decimal, DMS), categories, choices, flags.
* `places` — province/district/subdistrict names to DOPA codes with a confidence (rapidfuzz), and the cached
  per-geography lookups (names, `DistrictLocator`, centroids).
* `validate` — `prepare`: raw fields to normalised columns, errors and warnings (with `location` for the
  coordinates, names and scope stages, and `columns` for parsing each distinct value once).
* `storage` — `store`: reports with duplicate flags and audit events, quarantine, reference numbers.
* `submit` — the one path every report takes (`prepare` then `store`); `submit_report` for the forms.
* `importer` — CSV/XLSX/GeoJSON files as one batch each (`import_file`).
"""
from .submit import FieldError, SubmitResult, submit_report

__all__ = ["FieldError", "SubmitResult", "submit_report"]
