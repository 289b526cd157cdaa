-- How many of the cooperation activities in the viewer's scope up to $date_to are synthetic (the dossier's and the
-- briefing's synthetic-data notice).
select count(*) filter (where is_synthetic) as synthetic, count(*) as activities
from coop_activities
where start_date <= $date_to::date
  and ($scope_province::varchar is null or province_code = $scope_province::varchar)
  and ($scope_district::varchar is null or district_code = $scope_district::varchar)
