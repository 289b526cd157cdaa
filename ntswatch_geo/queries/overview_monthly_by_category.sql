-- Monthly report counts by category over the filtered period, months without reports as zero.
with r as (
    select * from filtered_reports($date_from, $date_to, $cats::varchar[], $provs::varchar[], $dists::varchar[],
                                   $mwcc_only, $chans::varchar[], $stats::varchar[],
                                   $scope_province::varchar, $scope_district::varchar)
),

months as (
    select unnest(generate_series(date_trunc('month', $date_from::date), date_trunc('month', $date_to::date),
                                  interval 1 month))::date as month
),

cats as (
    select key, label_th, label_en, sort_order from categories
    where len($cats::varchar[]) = 0 or list_contains($cats::varchar[], key)
),

counts as (
    select date_trunc('month', occurred_date)::date as month, category, count(*) as reports
    from r group by all
)

select m.month, c.key as category, c.label_th, c.label_en, coalesce(n.reports, 0) as reports
from months m
cross join cats c
left join counts n on n.month = m.month and n.category = c.key
order by m.month, c.sort_order
