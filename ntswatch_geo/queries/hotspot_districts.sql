-- The border districts a hotspot analysis covers: the viewer's scope, narrowed by the sidebar's province,
-- district and MWCC-only selections (never by dates or categories, so districts without reports stay in as
-- zeros). Geometry as WKB in EPSG:4326 for the spatial weights and the H3 study area.
select
    d.code, d.name_th, d.name_en, d.province_code,
    p.name_th as province_th, p.name_en as province_en,
    d.area_km2,
    ST_AsWKB(d.geom) as wkb
from districts d
join provinces p on p.code = d.province_code
where d.code in (select code from filtered_border_districts($provs::varchar[], $dists::varchar[], $mwcc_only,
                                                            $scope_province::varchar, $scope_district::varchar))
order by d.code
