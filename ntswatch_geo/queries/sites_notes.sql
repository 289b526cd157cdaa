-- SWOT notes for the given districts (all districts when the list is empty), with the neighbour's name for
-- notes about a parallel-area pair and the cooperation activity a note came from (its title and day); in SWOT
-- order, oldest first.
select
    n.id, n.district_code, d.name_th as district_th, d.name_en as district_en,
    n.neighbour_id, nb.name_en as neighbour_en, nb.country as neighbour_country,
    n.kind, n.text, n.author, n.created_at,
    n.activity_id, ca.title as activity_title, ca.start_date as activity_date
from swot_notes n
join districts d on d.code = n.district_code
left join neighbour_districts nb on nb.id = n.neighbour_id
left join coop_activities ca on ca.id = n.activity_id
where len($district_codes::varchar[]) = 0 or list_contains($district_codes::varchar[], n.district_code)
order by n.district_code,
         case n.kind when 'strengths' then 1 when 'weaknesses' then 2 when 'opportunities' then 3 else 4 end,
         n.created_at, n.id
