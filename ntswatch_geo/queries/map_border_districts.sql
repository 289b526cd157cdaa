-- Border districts, simplified, for the choropleth (counts are joined in Python from overview_by_district).
with d as (
    select code, name_th, name_en, province_code, ST_SimplifyPreserveTopology(geom, 0.002) as geom
    from districts
    where is_border
)

select code, name_th, name_en, province_code, ST_AsGeoJSON(ST_ReducePrecision(geom, 0.0001)) as geojson
from d order by code
