-- Reports by intake channel in the filtered period.
with r as (
    select * from filtered_reports($date_from, $date_to, $cats::varchar[], $provs::varchar[], $dists::varchar[],
                                   $mwcc_only, $chans::varchar[], $stats::varchar[],
                                   $scope_province::varchar, $scope_district::varchar)
),

counts as (
    select channel, count(*) as reports from r group by channel
)

select c.key as channel, c.label_th, c.label_en, coalesce(counts.reports, 0) as reports
from channels c
left join counts on counts.channel = c.key
order by c.key
