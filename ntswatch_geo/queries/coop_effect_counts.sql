-- Reports per district, calendar month (month_no = year * 12 + month - 1) and intake channel for the effect
-- estimate (cooperation/effects.py), through filtered_reports: the viewer's scope, the category and channel
-- asked for, held reports (duplicates, spam) never counted. Only non-zero cells; the caller fills the zeros.
with r as (
    select district_code, occurred_date, channel
    from filtered_reports($date_from, $date_to, $cats::varchar[], []::varchar[], $dists::varchar[], false,
                          $chans::varchar[], []::varchar[], $scope_province::varchar, $scope_district::varchar)
)

select
    district_code,
    year(occurred_date) * 12 + month(occurred_date) - 1 as month_no,
    channel,
    count(*) as reports
from r
group by all
order by district_code, month_no, channel
