-- Coordinates, month (month_no = year * 12 + month - 1) and intake channel (as a hash, a number) of the
-- filtered reports that carry a point: four numeric columns, fetched as arrays to assign H3 cells (never a
-- report row in pandas).
select
    lat, lon,
    year(occurred_date) * 12 + month(occurred_date) - 1 as month_no,
    hash(channel) as channel_key
from filtered_reports($date_from, $date_to, $cats::varchar[], $provs::varchar[], $dists::varchar[],
                      $mwcc_only, $chans::varchar[], $stats::varchar[],
                      $scope_province::varchar, $scope_district::varchar)
where lat is not null and lon is not null
