-- What the viewer's scope holds in time: first and last occurrence, and the data-as-of moment (latest receipt).
with r as (
    select occurred_date, received_at
    from reports
    where ($scope_province::varchar is null or province_code = $scope_province::varchar)
      and ($scope_district::varchar is null or district_code = $scope_district::varchar)
)

select min(occurred_date) as first_date, max(occurred_date) as last_date, max(received_at) as as_of
from r
