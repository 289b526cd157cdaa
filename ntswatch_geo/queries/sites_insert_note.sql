-- One SWOT note (validated in ntswatch_geo/sites.py); returns the new id.
insert into swot_notes (district_code, neighbour_id, kind, text, author)
values ($district_code, $neighbour_id::varchar, $kind, $text, $author)
returning id
