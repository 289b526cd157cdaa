-- A seeded random sample of at most $max_points report points for density clustering: the rows with the
-- smallest hash of (report id, seed) — the same seed and data give the same sample. `matching` is how many
-- filtered reports with a point there are in all.
select
    lat, lon,
    count(*) over () as matching
from filtered_reports($date_from, $date_to, $cats::varchar[], $provs::varchar[], $dists::varchar[],
                      $mwcc_only, $chans::varchar[], $stats::varchar[],
                      $scope_province::varchar, $scope_district::varchar)
where lat is not null and lon is not null
order by hash(id, $seed::bigint), id
limit $max_points
