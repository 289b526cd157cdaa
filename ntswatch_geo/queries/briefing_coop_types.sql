-- The activity types the province's districts have had up to $date_to, in the viewer's scope (the briefing's
-- effect estimates).
select distinct activity_type
from coop_activities
where province_code = $province
  and start_date <= $date_to::date
  and ($scope_province::varchar is null or province_code = $scope_province::varchar)
  and ($scope_district::varchar is null or district_code = $scope_district::varchar)
order by activity_type
