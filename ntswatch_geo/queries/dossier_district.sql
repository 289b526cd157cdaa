-- The border district a model-site dossier is about, by DOPA code, Thai name or English name (case-insensitive;
-- "อำเภอ" / "District" around the name allowed), with its province; several rows when a name is not unique.
select d.code, d.name_th, d.name_en, d.province_code, p.name_th as province_th, p.name_en as province_en,
       d.is_border
from districts d
join provinces p on p.code = d.province_code
where d.code = $text
   or d.name_th = regexp_replace($text, '^(อำเภอ|อ\.)\s*', '')
   or lower(d.name_en) = lower(regexp_replace($text, '\s+district$', '', 'i'))
order by d.code
