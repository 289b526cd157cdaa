-- Provinces with their names and how many border districts they have (to resolve a province typed by a person).
with border as (
    select province_code, count(*) as border_districts from districts where is_border group by province_code
)

select p.code, p.name_th, p.name_en, coalesce(b.border_districts, 0) as border_districts
from provinces p
left join border b on b.province_code = p.code
order by p.code
