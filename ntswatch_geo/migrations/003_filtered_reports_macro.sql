-- The one place where the dashboard's filters and the viewer's scope become SQL. Every query of the
-- dashboard reads reports through this macro, with bound parameters; an empty list means "all".
-- The scope arguments (NULL = no limit) always apply, whatever the filters say.
CREATE OR REPLACE MACRO filtered_reports(date_from, date_to, cats, provs, dists, mwcc_only, chans, stats,
                                         scope_province, scope_district) AS TABLE
    select r.*
    from reports r
    where r.occurred_date between date_from and date_to
      and (len(cats) = 0 or list_contains(cats, r.category))
      and (len(provs) = 0 or list_contains(provs, r.province_code))
      and (len(dists) = 0 or list_contains(dists, r.district_code))
      and (len(chans) = 0 or list_contains(chans, r.channel))
      and (len(stats) = 0 or list_contains(stats, r.status))
      and (not mwcc_only or r.district_code in (select district_code from mwcc_sites))
      and (scope_province is null or r.province_code = scope_province)
      and (scope_district is null or r.district_code = scope_district);
