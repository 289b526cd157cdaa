-- Flag likely duplicates among the rows being stored (the temp table intake_rows made by
-- ntswatch_geo.reports.submit.store) by setting their duplicate_of.
-- A row duplicates an earlier report (lower id: stored before, or earlier in the same batch) with the same
-- category and occurred_date when both are points at most $radius_m metres apart (grid cells of $cell_deg
-- degrees, >= $radius_m wide, so the 3 x 3 neighbouring cells hold every candidate), or when either has
-- location_precision 'district' and both are in the same district. Rejected and synthetic reports are not
-- compared against. duplicate_of = the lowest matching id.
-- $date_from, $date_to: the earliest and latest occurred_date among intake_rows. Constants, so the stores
-- filter on them before anything is read (PostgreSQL: pushed down to the index on category, occurred_date;
-- the semi-join alone would pull every report through the postgres extension for each submission).
UPDATE intake_rows SET duplicate_of = found.duplicate_of
FROM (
WITH new AS (
    SELECT id, category, occurred_date, lat, lon, district_code, location_precision,
           CAST(floor(lat / $cell_deg) AS BIGINT) AS cy, CAST(floor(lon / $cell_deg) AS BIGINT) AS cx
    FROM intake_rows
),
day_keys AS (
    SELECT DISTINCT category, occurred_date FROM new
),
earlier AS (
    SELECT r.id, r.category, r.occurred_date, r.lat, r.lon, r.district_code, r.location_precision,
           CAST(floor(r.lat / $cell_deg) AS BIGINT) AS cy, CAST(floor(r.lon / $cell_deg) AS BIGINT) AS cx
    FROM reports r
    SEMI JOIN day_keys k ON r.category = k.category AND r.occurred_date = k.occurred_date
    WHERE r.occurred_date BETWEEN $date_from AND $date_to
      AND r.is_synthetic = false AND r.status <> 'rejected'
    UNION ALL
    SELECT * FROM new
),
offsets AS (
    SELECT dy, dx FROM (VALUES (-1), (0), (1)) a(dy) CROSS JOIN (VALUES (-1), (0), (1)) b(dx)
),
probes AS (
    SELECT n.*, n.cy + o.dy AS py, n.cx + o.dx AS px
    FROM new n CROSS JOIN offsets o
    WHERE n.location_precision = 'point'
),
near AS (
    SELECT p.id, min(e.id) AS dup
    FROM probes p
    JOIN earlier e ON e.category = p.category AND e.occurred_date = p.occurred_date
                  AND e.cy = p.py AND e.cx = p.px
    WHERE e.id < p.id AND e.location_precision = 'point'
      AND 2 * 6371008.8 * asin(sqrt(
              pow(sin(radians(e.lat - p.lat) / 2), 2)
              + cos(radians(p.lat)) * cos(radians(e.lat)) * pow(sin(radians(e.lon - p.lon) / 2), 2)
          )) <= $radius_m
    GROUP BY p.id
),
same_district AS (
    SELECT n.id, min(e.id) AS dup
    FROM new n
    JOIN earlier e ON e.category = n.category AND e.occurred_date = n.occurred_date
                  AND e.district_code = n.district_code
    WHERE e.id < n.id AND (n.location_precision = 'district' OR e.location_precision = 'district')
    GROUP BY n.id
)
SELECT id, min(dup) AS duplicate_of
FROM (SELECT * FROM near UNION ALL SELECT * FROM same_district)
GROUP BY id
) found
WHERE intake_rows.id = found.id;
