-- Activities already recorded with these content keys ($keys): the key, the activity's id and its source
-- (entry | import:<batch> | synthetic:<run>), to name what an imported duplicate repeats.
select content_key, id, source
from coop_activities
where content_key in (select unnest($keys::varchar[]))
