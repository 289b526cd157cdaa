-- The border districts a viewer may filter on, with their provinces and MWCC flag.
with d as (
    select code, name_th, name_en, province_code
    from districts
    where is_border
      and ($scope_province::varchar is null or province_code = $scope_province::varchar)
      and ($scope_district::varchar is null or code = $scope_district::varchar)
)

select d.code, d.name_th, d.name_en, d.province_code,
       p.name_th as province_th, p.name_en as province_en,
       m.district_code is not null as mwcc
from d
join provinces p on p.code = d.province_code
left join mwcc_sites m on m.district_code = d.code
order by p.name_en, d.name_en
