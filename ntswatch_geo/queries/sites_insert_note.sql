-- One SWOT note (validated in ntswatch_geo/sites.py), with its id drawn from swot_note_id_seq (db.next_ids).
insert into swot_notes (id, district_code, neighbour_id, kind, text, author)
values ($id, $district_code, $neighbour_id::varchar, $kind, $text, $author)
