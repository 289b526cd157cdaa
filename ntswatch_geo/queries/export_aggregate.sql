-- Counts of the filtered reports by district, month of occurrence and category: the aggregate export (what
-- a planner works on). No report's own values leave: no ids, texts, points or times. The category's label in
-- the export's language is added in ntswatch_geo.exports (category_label next to category_code).
with r as (
    select * from filtered_reports($date_from, $date_to, $cats::varchar[], $provs::varchar[], $dists::varchar[],
                                   $mwcc_only, $chans::varchar[], $stats::varchar[],
                                   $scope_province::varchar, $scope_district::varchar)
)

select
    r.province_code, p.name_th as province_th, p.name_en as province_en,
    r.district_code, d.name_th as district_th, d.name_en as district_en,
    strftime(date_trunc('month', r.occurred_date), '%Y-%m') as month,
    r.category,
    count(*) as reports,
    count(*) filter (where r.status in ('verified', 'forwarded')) as verified
from r
join districts d on d.code = r.district_code
join provinces p on p.code = r.province_code
group by all
order by month, r.province_code, r.district_code, r.category
