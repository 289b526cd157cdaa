-- Thai and English names of the provinces and districts named in an export's filters (for its About sheet).
select 'province' as kind, code, name_th, name_en from provinces where list_contains($provs::varchar[], code)
union all
select 'district' as kind, code, name_th, name_en from districts where list_contains($dists::varchar[], code)
order by kind, code
