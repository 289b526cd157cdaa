-- Report counts per border district in the viewer's scope (zeros included), with names and rates.
with r as (
    select * from filtered_reports($date_from, $date_to, $cats::varchar[], $provs::varchar[], $dists::varchar[],
                                   $mwcc_only, $chans::varchar[], $stats::varchar[],
                                   $scope_province::varchar, $scope_district::varchar)
),

counts as (
    select district_code, count(*) as reports,
           count(*) filter (where status in ('verified', 'forwarded')) as verified
    from r group by district_code
),

in_scope as (
    select d.*
    from districts d
    where d.is_border
      and ($scope_province::varchar is null or d.province_code = $scope_province::varchar)
      and ($scope_district::varchar is null or d.code = $scope_district::varchar)
)

select
    d.code, d.name_th, d.name_en, d.province_code,
    p.name_th as province_th, p.name_en as province_en,
    d.border_country, d.area_km2,
    m.district_code is not null as mwcc,
    coalesce(c.reports, 0) as reports,
    coalesce(c.verified, 0) as verified,
    coalesce(c.reports, 0) * 100.0 / d.area_km2 as per_100km2
from in_scope d
join provinces p on p.code = d.province_code
left join counts c on c.district_code = d.code
left join mwcc_sites m on m.district_code = d.code
order by reports desc, d.code
