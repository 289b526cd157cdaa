-- The border districts the sidebar's place filters and the viewer's scope allow (empty list = all), the one
-- place where those conditions are written for queries that list districts rather than reports.
CREATE OR REPLACE MACRO filtered_border_districts(provs, dists, mwcc_only, scope_province, scope_district) AS TABLE
    select d.code, d.province_code
    from districts d
    where d.is_border
      and (len(provs) = 0 or list_contains(provs, d.province_code))
      and (len(dists) = 0 or list_contains(dists, d.code))
      and (not mwcc_only or d.code in (select district_code from mwcc_sites))
      and (scope_province is null or d.province_code = scope_province)
      and (scope_district is null or d.code = scope_district);
