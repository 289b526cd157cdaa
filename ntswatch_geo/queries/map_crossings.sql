-- Border crossings for the map.
select id, name_en, name_th, crossing_type, district_code, country, lat, lon, approximate
from border_crossings
order by id
