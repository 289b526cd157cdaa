-- Criteria for ranking border districts ("Building Strong Cross-Border Communities"): one row per border
-- district the scope and the district filters allow (zeros for districts without reports, never NULL).
-- need: reports per km of international border and per 100 km²; engagement: reports per month through
-- mwcc_office and online (months = filter days / 30.4375), verified share, median days to verification;
-- connectivity: parallel areas, shared border km, crossings (all / permanent); mwcc target 0/1.
-- cooperation (coop_activities, issue 14; ntswatch_geo/sites.py): partnership strength per year = Σ over the joint
-- activities (with a facing district) begun in the filter dates of 1 + log10(1 + participants from across the
-- border), / (filter days / 365.25); months since the last activity as of $date_to, at most $continuity_cap (also
-- for a district without any); change agents trained in every activity up to $date_to.
with r as (
    select * from filtered_reports($date_from, $date_to, $cats::varchar[], $provs::varchar[], $dists::varchar[],
                                   $mwcc_only, $chans::varchar[], $stats::varchar[],
                                   $scope_province::varchar, $scope_district::varchar)
),

in_scope as (
    select d.*
    from districts d
    where d.code in (select code from filtered_border_districts($provs::varchar[], $dists::varchar[], $mwcc_only,
                                                                $scope_province::varchar, $scope_district::varchar))
),

months as (
    select (date_diff('day', $date_from::date, $date_to::date) + 1) / 30.4375 as n
),

counts as (
    select
        district_code,
        count(*) as reports,
        count(*) filter (where channel = 'mwcc_office') as mwcc_office,
        count(*) filter (where channel = 'online') as online,
        count(*) filter (where status in ('verified', 'forwarded')) as verified,
        median(date_diff('hour', received_at, verified_at) / 24.0)
            filter (where status in ('verified', 'forwarded') and verified_at is not null) as median_days
    from r
    group by district_code
),

pairs as (
    select district_code, count(*) as parallel_areas
    from parallel_areas group by district_code
),

crossings as (
    select district_code, count(*) as crossings,
           count(*) filter (where crossing_type = 'permanent') as permanent_crossings
    from border_crossings group by district_code
),

joint as (
    select distinct activity_id from coop_activity_areas
),

coop as (
    select a.district_code,
           sum(case when j.activity_id is not null and a.start_date >= $date_from::date
                    then 1 + log10(1 + a.la_officials + a.la_leaders + a.la_citizens + a.la_youth
                                   + a.kh_officials + a.kh_leaders + a.kh_citizens + a.kh_youth)
                    else 0 end) as partnership_points,
           max(a.start_date) as last_activity,
           sum(a.change_agents) as change_agents
    from coop_activities a
    left join joint j on j.activity_id = a.id
    where a.start_date <= $date_to::date
      and ($scope_province::varchar is null or a.province_code = $scope_province::varchar)
      and ($scope_district::varchar is null or a.district_code = $scope_district::varchar)
    group by a.district_code
)

select
    d.code, d.name_th, d.name_en, d.province_code,
    p.name_th as province_th, p.name_en as province_en,
    coalesce(c.reports, 0)::bigint as reports,
    d.border_km_la + d.border_km_kh as border_km,
    d.area_km2,
    case when d.border_km_la + d.border_km_kh > 0
         then coalesce(c.reports, 0) / (d.border_km_la + d.border_km_kh) else 0 end as reports_per_border_km,
    case when d.area_km2 > 0 then coalesce(c.reports, 0) * 100.0 / d.area_km2 else 0 end as reports_per_100km2,
    coalesce(c.mwcc_office, 0) / (select n from months) as mwcc_office_per_month,
    coalesce(c.online, 0) / (select n from months) as online_per_month,
    case when coalesce(c.reports, 0) > 0 then c.verified / c.reports else 0 end::double as verified_share,
    coalesce(c.median_days, 0)::double as median_days_to_verification,
    coalesce(pa.parallel_areas, 0)::double as parallel_areas,
    (d.border_km_la + d.border_km_kh)::double as shared_border_km,
    coalesce(x.crossings, 0)::double as crossings,
    coalesce(x.permanent_crossings, 0)::double as permanent_crossings,
    case when m.district_code is not null then 1.0 else 0.0 end as mwcc_target,
    coalesce(co.partnership_points, 0)::double
        / ((date_diff('day', $date_from::date, $date_to::date) + 1) / 365.25) as partnership_strength,
    least(coalesce(date_diff('month', co.last_activity, $date_to::date), $continuity_cap::integer),
          $continuity_cap::integer)::double as months_since_activity,
    coalesce(co.change_agents, 0)::double as change_agents
from in_scope d
join provinces p on p.code = d.province_code
left join counts c on c.district_code = d.code
left join pairs pa on pa.district_code = d.code
left join crossings x on x.district_code = d.code
left join mwcc_sites m on m.district_code = d.code
left join coop co on co.district_code = d.code
order by d.code
