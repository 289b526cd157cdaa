-- The districts an effect estimate can compare (cooperation/effects.py): the border districts in the viewer's
-- scope, the border each is compared along (the country of its longer border stretch: Nam Yuen, on both,
-- counts as Cambodian), and the first day of an activity of the type asked for on or before the end of the
-- window (NULL: none, a comparison district), with how many such activities there were.
with in_scope as (
    select code as district_code, province_code,
           case when border_km_la >= border_km_kh then 'LA' else 'KH' end as border
    from districts
    where code in (select code from filtered_border_districts([]::varchar[], []::varchar[], false,
                                                              $scope_province::varchar, $scope_district::varchar))
),

firsts as (
    select district_code, min(start_date) as first_date, count(*) as activities
    from coop_activities
    where activity_type = $activity_type
      and start_date <= $date_to
      and ($scope_province::varchar is null or province_code = $scope_province)
      and ($scope_district::varchar is null or district_code = $scope_district)
    group by district_code
)

select s.district_code, s.province_code, s.border, f.first_date, coalesce(f.activities, 0) as activities
from in_scope s
left join firsts f using (district_code)
order by s.district_code
