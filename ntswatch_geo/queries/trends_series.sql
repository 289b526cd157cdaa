-- Report counts per period (week | month | quarter) for any mix of category × province × district × channel,
-- every period × key combination present, empty ones as zero (generate_series × the keys' values).
-- A key that is not chosen (by_<key> false) is NULL in every row. Weeks start on Monday (ISO), quarters are
-- calendar quarters. `complete`: the whole period lies inside the filter dates and on or before $as_of.
with r as (
    select * from filtered_reports($date_from, $date_to, $cats::varchar[], $provs::varchar[], $dists::varchar[],
                                   $mwcc_only, $chans::varchar[], $stats::varchar[],
                                   $scope_province::varchar, $scope_district::varchar)
),

step as (
    select case $freq::varchar when 'week' then interval 7 day
                               when 'month' then interval 1 month
                               else interval 3 month end as width
),

periods as (
    select unnest(generate_series(date_trunc($freq::varchar, $date_from::date),
                                  date_trunc($freq::varchar, $date_to::date),
                                  (select width from step)))::date as period
),

cats as (
    select key as category, sort_order from categories
    where $by_category and (len($cats::varchar[]) = 0 or list_contains($cats::varchar[], key))
    union all
    select null, 0 where not $by_category
),

chans as (
    select key as channel from channels
    where $by_channel and (len($chans::varchar[]) = 0 or list_contains($chans::varchar[], key))
    union all
    select null where not $by_channel
),

-- the places a series can be about: border districts the scope and filters allow, plus any district
-- that holds a filtered report (imports may name an inland district)
district_domain as (
    select d.code as district_code, d.province_code
    from districts d
    where d.code in (select code from filtered_border_districts($provs::varchar[], $dists::varchar[], $mwcc_only,
                                                                $scope_province::varchar, $scope_district::varchar))
    union
    select distinct district_code, province_code from r
),

places as (
    select distinct
        case when $by_district then district_code end as district_code,
        province_code
    from district_domain
    where $by_district or $by_province
    union all
    select null, null where not ($by_district or $by_province)
),

counts as (
    select
        date_trunc($freq::varchar, occurred_date)::date as period,
        case when $by_category then category end as category,
        case when $by_district or $by_province then province_code end as province_code,
        case when $by_district then district_code end as district_code,
        case when $by_channel then channel end as channel,
        count(*) as reports
    from r
    group by all
)

select
    p.period,
    (p.period + (select width from step) - interval 1 day)::date as period_end,
    p.period >= $date_from::date
        and (p.period + (select width from step) - interval 1 day)::date <= least($date_to::date, $as_of::date)
        as complete,
    c.category, pl.province_code, pl.district_code, ch.channel,
    coalesce(n.reports, 0) as reports,
    pv.name_th as province_th, pv.name_en as province_en,
    dn.name_th as district_th, dn.name_en as district_en
from periods p
cross join cats c
cross join places pl
cross join chans ch
left join provinces pv on pv.code = pl.province_code
left join districts dn on dn.code = pl.district_code
left join counts n
       on n.period = p.period
      and n.category is not distinct from c.category
      and n.province_code is not distinct from pl.province_code
      and n.district_code is not distinct from pl.district_code
      and n.channel is not distinct from ch.channel
order by p.period, c.sort_order, pl.province_code, pl.district_code, ch.channel
