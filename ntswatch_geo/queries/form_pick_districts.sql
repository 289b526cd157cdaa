-- Every district of the border provinces, simplified, for the report form's pick map (a click sets the form's
-- province and district). Names of the district and its province in Thai and English. Simplified to about 1 km
-- (0.01°): the map only picks a district (a point is placed on the full polygons), and a lighter layer keeps
-- deck.gl's picking fast enough on software-rendered browsers for a click to register as one.
with d as (
    select d.code, d.name_th, d.name_en, d.province_code, p.name_th as province_th, p.name_en as province_en,
           d.is_border, ST_SimplifyPreserveTopology(d.geom, 0.01) as geom
    from districts d join provinces p on p.code = d.province_code
    where d.province_code in (select distinct province_code from districts where is_border)
)

select code, name_th, name_en, province_code, province_th, province_en, is_border,
       ST_AsGeoJSON(ST_ReducePrecision(geom, 0.0001)) as geojson
from d order by code
