-- Reports per district, calendar month (month_no = year * 12 + month - 1) and intake channel through the
-- filters and the viewer's scope; only non-zero cells (the caller fills the zeros). Also how many of them
-- carry a point. The channel lets the reporting-effort adjustment (hotspots/effort.py) compare each
-- channel with itself.
with r as (
    select * from filtered_reports($date_from, $date_to, $cats::varchar[], $provs::varchar[], $dists::varchar[],
                                   $mwcc_only, $chans::varchar[], $stats::varchar[],
                                   $scope_province::varchar, $scope_district::varchar)
)

select
    district_code,
    year(occurred_date) * 12 + month(occurred_date) - 1 as month_no,
    channel,
    count(*) as reports,
    count(*) filter (where lat is not null and lon is not null) as with_point
from r
group by all
order by district_code, month_no, channel
