-- How many of the reports the current filters show are synthetic (for the banner).
with r as (
    select is_synthetic
    from filtered_reports($date_from, $date_to, $cats::varchar[], $provs::varchar[], $dists::varchar[],
                          $mwcc_only, $chans::varchar[], $stats::varchar[],
                          $scope_province::varchar, $scope_district::varchar)
)

select count(*) filter (where is_synthetic) as synthetic, count(*) as reports from r
