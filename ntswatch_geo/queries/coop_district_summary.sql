-- Per border district in scope (and the district filters): the cooperation record (activities of $types; NULL =
-- every type) up to $asof within [$date_from, $asof] — activities, joint activities (with a facing district), people reached on each side,
-- change agents trained, budget, the last activity and months since it (continuity), parallel areas, and the
-- partnership strength: Σ over joint activities of 1 + log10(1 + participants from across the border).
with a as (
    select a.*,
           (a.la_officials + a.la_leaders + a.la_citizens + a.la_youth
            + a.kh_officials + a.kh_leaders + a.kh_citizens + a.kh_youth) as people_across,
           (a.th_officials + a.th_leaders + a.th_citizens + a.th_youth) as people_th,
           exists (select 1 from coop_activity_areas x where x.activity_id = a.id) as joint
    from coop_activities a
    where a.start_date <= $asof::date
      and ($date_from::date is null or a.start_date >= $date_from::date)
      and ($types::varchar[] is null or list_contains($types::varchar[], a.activity_type))
      and ($scope_province::varchar is null or a.province_code = $scope_province::varchar)
      and ($scope_district::varchar is null or a.district_code = $scope_district::varchar)
),

per_district as (
    select district_code,
           count(*) as activities,
           count(*) filter (where joint) as joint_activities,
           sum(people_th) as people_th,
           sum(people_across) as people_across,
           sum(change_agents) as change_agents,
           sum(coalesce(budget_thb, 0)) as budget_thb,
           max(start_date) as last_activity,
           sum(case when joint then 1 + log10(1 + people_across) else 0 end) as partnership_points,
           count(distinct date_trunc('month', start_date)) as active_months
    from a
    group by district_code
),

pairs as (
    select district_code, count(*) as parallel_areas from parallel_areas group by district_code
),

in_scope as (
    select code from filtered_border_districts($provs::varchar[], $dists::varchar[], $mwcc_only,
                                               $scope_province::varchar, $scope_district::varchar)
)

select
    d.code, d.name_th, d.name_en, d.province_code, p.name_th as province_th, p.name_en as province_en,
    coalesce(pa.parallel_areas, 0)::bigint as parallel_areas,
    coalesce(s.activities, 0)::bigint as activities,
    coalesce(s.joint_activities, 0)::bigint as joint_activities,
    coalesce(s.people_th, 0)::bigint as people_th,
    coalesce(s.people_across, 0)::bigint as people_across,
    coalesce(s.change_agents, 0)::bigint as change_agents,
    coalesce(s.budget_thb, 0)::double as budget_thb,
    s.last_activity,
    case when s.last_activity is null then null
         else date_diff('month', s.last_activity, $asof::date) end::bigint as months_since_last,
    coalesce(s.partnership_points, 0)::double as partnership_points,
    coalesce(s.active_months, 0)::bigint as active_months
from districts d
join provinces p on p.code = d.province_code
left join per_district s on s.district_code = d.code
left join pairs pa on pa.district_code = d.code
where d.code in (select code from in_scope)
order by d.code
