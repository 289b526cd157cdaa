-- A province against its peers: the other provinces with border districts on the same border country (Laos
-- and/or Cambodia). Reports in each province's border districts, per 100 km² of those districts and per km of
-- their international border. Population is not available, so these are the rates.
-- Peer totals are province-level aggregates only: the viewer's scope limits the home province's rows as
-- everywhere, but a governor may compare against the totals of the peer provinces (DESIGN.md: "against
-- neighbouring provinces"), so the peers are counted without the scope. No row, district or category
-- breakdown of another province leaves this query.
with border_districts as (
    select d.code, d.province_code, d.area_km2, d.border_km_la + d.border_km_kh as border_km,
           unnest(string_split(d.border_country, ',')) as country
    from districts d
    where d.is_border
),

home_countries as (
    select distinct country from border_districts where province_code = $province::varchar
),

peer_provinces as (
    select distinct province_code from border_districts where country in (select country from home_countries)
),

geo as (
    select d.province_code, count(*) as border_districts, sum(d.area_km2) as border_area_km2,
           sum(d.border_km_la + d.border_km_kh) as border_km,
           string_agg(distinct d.border_country, ',' order by d.border_country) as border_country
    from districts d
    where d.is_border and d.province_code in (select province_code from peer_provinces)
    group by d.province_code
),

home as (
    select district_code
    from filtered_reports($date_from, $date_to, $cats::varchar[], []::varchar[], []::varchar[],
                          $mwcc_only, $chans::varchar[], $stats::varchar[],
                          $scope_province::varchar, $scope_district::varchar)
    where province_code = $province::varchar
),

peers as (
    select province_code, district_code
    from filtered_reports($date_from, $date_to, $cats::varchar[], []::varchar[], []::varchar[],
                          $mwcc_only, $chans::varchar[], $stats::varchar[], null::varchar, null::varchar)
    where province_code in (select province_code from peer_provinces) and province_code <> $province::varchar
),

counts as (
    select $province::varchar as province_code, count(*) as reports
    from home where district_code in (select code from districts where is_border)
    union all
    select province_code, count(*) as reports
    from peers where district_code in (select code from districts where is_border)
    group by province_code
)

select
    g.province_code, p.name_th as province_th, p.name_en as province_en,
    g.province_code = $province::varchar as is_home,
    g.border_country, g.border_districts, g.border_area_km2, g.border_km,
    coalesce(c.reports, 0) as reports,
    coalesce(c.reports, 0) * 100.0 / g.border_area_km2 as per_100km2,
    coalesce(c.reports, 0) / nullif(g.border_km, 0) as per_km
from geo g
join provinces p on p.code = g.province_code
left join counts c on c.province_code = g.province_code
order by per_100km2 desc, g.province_code
