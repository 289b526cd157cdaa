-- The partnership map: one row per parallel-area pair (Thai district × facing district) in scope, with the two
-- ends (a point inside each district) and the joint activities of the pair in [$date_from, $date_to]: how many,
-- people from each side, the last one. Pairs without activities are kept (0), so the map shows where none is.
with a as (
    select a.id, a.district_code, a.start_date,
           (a.th_officials + a.th_leaders + a.th_citizens + a.th_youth) as people_th,
           (a.la_officials + a.la_leaders + a.la_citizens + a.la_youth
            + a.kh_officials + a.kh_leaders + a.kh_citizens + a.kh_youth) as people_across
    from coop_activities a
    where ($date_from::date is null or a.end_date >= $date_from::date)
      and ($date_to::date is null or a.start_date <= $date_to::date)
      and ($types::varchar[] is null or list_contains($types::varchar[], a.activity_type))
      and ($scope_province::varchar is null or a.province_code = $scope_province::varchar)
      and ($scope_district::varchar is null or a.district_code = $scope_district::varchar)
),

per_pair as (
    select x.neighbour_id, a.district_code,
           count(*) as activities, sum(a.people_th) as people_th, sum(a.people_across) as people_across,
           max(a.start_date) as last_activity
    from a
    join coop_activity_areas x on x.activity_id = a.id
    group by x.neighbour_id, a.district_code
)

select
    pa.district_code, d.name_th as district_th, d.name_en as district_en, d.province_code,
    p.name_th as province_th, p.name_en as province_en,
    pa.neighbour_id, n.name_en as neighbour_en, n.country, pa.shared_km,
    d.centroid_lon as from_lon, d.centroid_lat as from_lat, n.centroid_lon as to_lon, n.centroid_lat as to_lat,
    coalesce(s.activities, 0)::bigint as activities,
    coalesce(s.people_th, 0)::bigint as people_th,
    coalesce(s.people_across, 0)::bigint as people_across,
    s.last_activity
from parallel_areas pa
join districts d on d.code = pa.district_code
join provinces p on p.code = d.province_code
join neighbour_districts n on n.id = pa.neighbour_id
left join per_pair s on s.neighbour_id = pa.neighbour_id and s.district_code = pa.district_code
where ($scope_province::varchar is null or d.province_code = $scope_province::varchar)
  and ($scope_district::varchar is null or pa.district_code = $scope_district::varchar)
  and ($dists::varchar[] is null or list_contains($dists::varchar[], pa.district_code))
order by pa.district_code, pa.neighbour_id
