-- Geometry for the briefing's static map of one province (WKB, simplified; no reports): the province's
-- districts, the Thai provinces around it, the Lao and Cambodian districts across the border, and the
-- border crossings in the province. The surroundings are those whose bounding box lies within 0.3° of the
-- province's.
with home as (
    select geom, ST_Buffer(ST_Envelope(geom), 0.3) as frame from provinces where code = $province::varchar
),

layers as (
    select 'district' as layer, d.code, d.name_th, d.name_en, d.border_country as country, d.is_border, d.geom
    from districts d where d.province_code = $province::varchar
    union all
    select 'province', p.code, p.name_th, p.name_en, null, false, p.geom
    from provinces p, home h
    where p.code <> $province::varchar and ST_Intersects(ST_Envelope(p.geom), h.frame)
    union all
    select 'neighbour', n.id, null, n.name_en, n.country, false, n.geom
    from neighbour_districts n, home h
    where ST_Intersects(ST_Envelope(n.geom), h.frame)
    union all
    select 'crossing', c.id, c.name_th, c.name_en, c.country, true, c.geom
    from border_crossings c join districts d on d.code = c.district_code
    where d.province_code = $province::varchar
)

select layer, code, name_th, name_en, country, is_border,
       ST_AsWKB(ST_SimplifyPreserveTopology(geom, 0.002)) as wkb
from layers
order by layer, code
