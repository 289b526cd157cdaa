"""The cooperation record (issue 14; docs/cooperation.md): people-to-people activities of the Thai border districts
with their parallel areas across the border, and what they change.

- taxonomy:  activity types, sides and kinds of participant (Thai and English labels)
- record:    checking and storing one activity (the entry form, the import and the demo generator share it)
- importer:  spreadsheet import (CSV, XLSX): every row imported, quarantined, duplicate or skipped, one transaction
- export:    the activities as a spreadsheet (labels, not codes), an import's rejects
- summary:   reads for the Cooperation page, the partnership map and the model-site criteria
- demo:      synthetic activities on the real parallel areas and the optional planted effect
- effects:   difference-in-differences with an event study: the districts' reports before and after an activity
- charts, page_charts, maps: figures and pydeck layers (data in, figure out)
"""
