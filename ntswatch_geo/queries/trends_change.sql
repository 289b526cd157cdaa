-- Counts in the current period, the previous period of equal length and the same period a year earlier, for
-- any mix of category × province × district × channel (a key not chosen is NULL). Every key combination the
-- scope and filters allow is listed, zeros included. The windows may overlap (a period longer than a year).
with r as (
    select occurred_date, category, province_code, district_code, channel
    from filtered_reports(least($prev_from::date, $ly_from::date), $date_to, $cats::varchar[], $provs::varchar[],
                          $dists::varchar[], $mwcc_only, $chans::varchar[], $stats::varchar[],
                          $scope_province::varchar, $scope_district::varchar)
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
        case when $by_category then category end as category,
        case when $by_district or $by_province then province_code end as province_code,
        case when $by_district then district_code end as district_code,
        case when $by_channel then channel end as channel,
        count(*) filter (where occurred_date between $date_from and $date_to) as current,
        count(*) filter (where occurred_date between $prev_from and $prev_to) as previous,
        count(*) filter (where occurred_date between $ly_from and $ly_to) as last_year
    from r
    group by all
)

select
    c.category, pl.province_code, pl.district_code, ch.channel,
    coalesce(n.current, 0) as current,
    coalesce(n.previous, 0) as previous,
    coalesce(n.last_year, 0) as last_year,
    pv.name_th as province_th, pv.name_en as province_en,
    dn.name_th as district_th, dn.name_en as district_en
from cats c
cross join places pl
cross join chans ch
left join provinces pv on pv.code = pl.province_code
left join districts dn on dn.code = pl.district_code
left join counts n
       on n.category is not distinct from c.category
      and n.province_code is not distinct from pl.province_code
      and n.district_code is not distinct from pl.district_code
      and n.channel is not distinct from ch.channel
order by c.sort_order, pl.province_code, pl.district_code, ch.channel
