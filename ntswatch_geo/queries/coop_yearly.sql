-- Activities (of $types; NULL = all), people reached on each side, change agents and budget per district and
-- calendar year, in scope.
select
    a.district_code, year(a.start_date) as year,
    count(*) as activities,
    sum(a.th_officials + a.th_leaders + a.th_citizens + a.th_youth)::bigint as people_th,
    sum(a.la_officials + a.la_leaders + a.la_citizens + a.la_youth)::bigint as people_la,
    sum(a.kh_officials + a.kh_leaders + a.kh_citizens + a.kh_youth)::bigint as people_kh,
    sum(a.change_agents)::bigint as change_agents,
    sum(coalesce(a.budget_thb, 0))::double as budget_thb
from coop_activities a
where ($dists::varchar[] is null or list_contains($dists::varchar[], a.district_code))
  and ($types::varchar[] is null or list_contains($types::varchar[], a.activity_type))
  and ($scope_province::varchar is null or a.province_code = $scope_province::varchar)
  and ($scope_district::varchar is null or a.district_code = $scope_district::varchar)
group by a.district_code, year(a.start_date)
order by a.district_code, year
