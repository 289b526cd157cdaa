-- The Lao and Cambodian districts facing a Thai border district (parallel areas), simplified, in outline.
with facing as (
    select neighbour_id, list(district_code order by district_code) as thai_codes
    from parallel_areas group by neighbour_id
),

n as (
    select n.id, n.country, n.name_en, n.province_en, f.thai_codes,
           ST_SimplifyPreserveTopology(n.geom, 0.004) as geom
    from neighbour_districts n join facing f on f.neighbour_id = n.id
)

select id, country, name_en, province_en, thai_codes, ST_AsGeoJSON(ST_ReducePrecision(geom, 0.0001)) as geojson
from n order by id
