-- Whether a SWOT note may be attached: the district is a border district, and (when a neighbour is named)
-- the district and the neighbour form a parallel-area pair.
select
    exists (select 1 from districts where code = $district_code and is_border) as district_ok,
    $neighbour_id::varchar is null
        or exists (select 1 from parallel_areas
                   where district_code = $district_code and neighbour_id = $neighbour_id::varchar) as pair_ok
