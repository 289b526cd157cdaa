-- Headline figures for the filtered period and the previous period of equal length.
with cur as (
    select * from filtered_reports($date_from, $date_to, $cats::varchar[], $provs::varchar[], $dists::varchar[],
                                   $mwcc_only, $chans::varchar[], $stats::varchar[],
                                   $scope_province::varchar, $scope_district::varchar)
),

prev as (
    select count(*) as n
    from filtered_reports($prev_from, $prev_to, $cats::varchar[], $provs::varchar[], $dists::varchar[],
                          $mwcc_only, $chans::varchar[], $stats::varchar[],
                          $scope_province::varchar, $scope_district::varchar)
),

figures as (
    select
        count(*) as reports,
        count(*) filter (where status in ('verified', 'forwarded')) as verified,
        count(*) filter (where status <> 'new') as reviewed,
        median(date_diff('hour', received_at, verified_at) / 24.0)
            filter (where verified_at is not null) as median_days_to_verification,
        count(distinct district_code) as districts
    from cur
)

select figures.*, prev.n as prev_reports
from figures, prev
