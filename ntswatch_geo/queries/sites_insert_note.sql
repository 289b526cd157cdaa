-- One SWOT note (validated in ntswatch_geo/sites.py), with its id drawn from swot_note_id_seq (db.next_ids);
-- activity_id: the cooperation activity it came from (NULL: none).
insert into swot_notes (id, district_code, neighbour_id, kind, text, author, activity_id)
values ($id, $district_code, $neighbour_id::varchar, $kind, $text, $author, $activity_id::bigint)
