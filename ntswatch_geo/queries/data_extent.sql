-- First and last report date in the viewer's scope, and how many of those reports are synthetic.
with r as (
    select occurred_date, is_synthetic
    from reports
    where ($scope_province::varchar is null or province_code = $scope_province::varchar)
      and ($scope_district::varchar is null or district_code = $scope_district::varchar)
)

select min(occurred_date) as first_date, max(occurred_date) as last_date,
       count(*) as reports, count(*) filter (where is_synthetic) as synthetic
from r
