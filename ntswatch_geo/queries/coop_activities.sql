-- Cooperation activities in the viewer's scope, newest first, with their district, province and facing districts.
-- $date_from/$date_to: activities overlapping the period (NULL = any); $types, $dists: NULL = all.
with a as (
    select *
    from coop_activities
    where ($date_from::date is null or end_date >= $date_from::date)
      and ($date_to::date is null or start_date <= $date_to::date)
      and ($types::varchar[] is null or list_contains($types::varchar[], activity_type))
      and ($dists::varchar[] is null or list_contains($dists::varchar[], district_code))
      and ($scope_province::varchar is null or province_code = $scope_province::varchar)
      and ($scope_district::varchar is null or district_code = $scope_district::varchar)
),

facing as (
    select x.activity_id,
           string_agg(n.name_en, ', ' order by n.name_en) as facing_names,
           list(x.neighbour_id order by x.neighbour_id) as facing_ids,
           string_agg(distinct n.country, ',' order by n.country) as facing_countries
    from coop_activity_areas x
    join neighbour_districts n on n.id = x.neighbour_id
    where x.activity_id in (select id from a)
    group by x.activity_id
)

select
    a.id, a.activity_type, a.start_date, a.end_date, a.district_code, a.province_code,
    d.name_th as district_th, d.name_en as district_en, p.name_th as province_th, p.name_en as province_en,
    a.title, a.outcome, a.change_agents, a.budget_thb,
    a.th_officials, a.th_leaders, a.th_citizens, a.th_youth,
    a.la_officials, a.la_leaders, a.la_citizens, a.la_youth,
    a.kh_officials, a.kh_leaders, a.kh_citizens, a.kh_youth,
    (a.th_officials + a.th_leaders + a.th_citizens + a.th_youth) as people_th,
    (a.la_officials + a.la_leaders + a.la_citizens + a.la_youth) as people_la,
    (a.kh_officials + a.kh_leaders + a.kh_citizens + a.kh_youth) as people_kh,
    coalesce(f.facing_names, '') as facing_names, f.facing_ids, f.facing_countries,
    a.source, a.is_synthetic, a.created_by, a.created_at
from a
join districts d on d.code = a.district_code
join provinces p on p.code = a.province_code
left join facing f on f.activity_id = a.id
order by a.start_date desc, a.id desc
