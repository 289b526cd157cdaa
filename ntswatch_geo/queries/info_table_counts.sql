-- Row counts of the tables `ntswatch info` reports.
with counts as (
    select 'provinces' as table_name, count(*) as n from provinces
    union all select 'districts', count(*) from districts
    union all select 'districts_with_dopa_code', count(*) from districts where regexp_full_match(code, '[0-9]{4}')
    union all select 'border_districts', count(*) from districts where is_border
    union all select 'border_districts_la', count(*) from districts where border_country in ('LA', 'LA,KH')
    union all select 'border_districts_kh', count(*) from districts where border_country in ('KH', 'LA,KH')
    union all select 'border_districts_both', count(*) from districts where border_country = 'LA,KH'
    union all select 'border_provinces', count(distinct province_code) from districts where is_border
    union all select 'neighbour_districts', count(*) from neighbour_districts
    union all select 'neighbour_districts_la', count(*) from neighbour_districts where country = 'LA'
    union all select 'neighbour_districts_kh', count(*) from neighbour_districts where country = 'KH'
    union all select 'parallel_areas', count(*) from parallel_areas
    union all select 'border_stretches', count(*) from border_stretches
    union all select 'mwcc_sites_named', count(*) from mwcc_sites
    union all select 'border_crossings', count(*) from border_crossings
    union all select 'border_crossings_approximate', count(*) from border_crossings where approximate
    union all select 'categories', count(*) from categories
    union all select 'reports', count(*) from reports
    union all select 'reports_synthetic', count(*) from reports where is_synthetic
    union all select 'coop_activities', count(*) from coop_activities
    union all select 'coop_activities_synthetic', count(*) from coop_activities where is_synthetic
)

select table_name, n from counts
