-- Thai provinces, simplified, as the map's base layer (the map must read without basemap tiles).
with p as (
    select code, name_th, name_en, ST_SimplifyPreserveTopology(geom, 0.01) as geom from provinces
)

select code, name_th, name_en, ST_AsGeoJSON(ST_ReducePrecision(geom, 0.0001)) as geojson from p order by code
