-- Days from receipt to verification per district (reports verified or forwarded, with a verification time),
-- and how many reports still wait (status new). Border districts in scope are listed even without reports.
with r as (
    select district_code, province_code, status, received_at, verified_at
    from filtered_reports($date_from, $date_to, $cats::varchar[], $provs::varchar[], $dists::varchar[],
                          $mwcc_only, $chans::varchar[], $stats::varchar[],
                          $scope_province::varchar, $scope_district::varchar)
),

per_district as (
    select
        district_code,
        count(*) as reports,
        count(*) filter (where status = 'new') as waiting,
        count(*) filter (where status in ('verified', 'forwarded') and verified_at is not null) as verified,
        median(date_diff('hour', received_at, verified_at) / 24.0)
            filter (where status in ('verified', 'forwarded') and verified_at is not null) as median_days,
        quantile_cont(date_diff('hour', received_at, verified_at) / 24.0, 0.9)
            filter (where status in ('verified', 'forwarded') and verified_at is not null) as p90_days
    from r
    group by district_code
),

in_scope as (
    select d.code, d.province_code
    from districts d
    where d.code in (select code from filtered_border_districts($provs::varchar[], $dists::varchar[], $mwcc_only,
                                                                $scope_province::varchar, $scope_district::varchar))
    union
    select distinct district_code, province_code from r
)

select
    s.code as district_code, d.name_th as district_th, d.name_en as district_en,
    s.province_code, p.name_th as province_th, p.name_en as province_en,
    coalesce(x.reports, 0) as reports, coalesce(x.waiting, 0) as waiting, coalesce(x.verified, 0) as verified,
    x.median_days, x.p90_days
from in_scope s
join districts d on d.code = s.code
join provinces p on p.code = s.province_code
left join per_district x on x.district_code = s.code
order by x.median_days desc nulls last, s.code
