-- One page of the reports in the viewer's scope with one of $statuses that match the search, oldest first
-- (newest first when asked), with the count of all that match. The scope is always applied; the search only
-- narrows it. Patterns arrive escaped for ILIKE with '\' as the escape character; NULL = no such condition.
-- A page past the last one gives the last page (page_no says which was returned).
with q as (
    select r.*, d.name_th as district_th, d.name_en as district_en
    from reports r
    join districts d on d.code = r.district_code
    where list_contains($statuses::varchar[], r.status)
      and ($scope_province::varchar is null or r.province_code = $scope_province::varchar)
      and ($scope_district::varchar is null or r.district_code = $scope_district::varchar)
      and ($ref_pattern::varchar is null
           or replace(r.ref_no, '-', '') ilike $ref_pattern::varchar escape '\')
      and ($district_code::varchar is null or r.district_code = $district_code::varchar)
      and ($district_pattern::varchar is null
           or d.name_th ilike $district_pattern::varchar escape '\'
           or d.name_en ilike $district_pattern::varchar escape '\')
      and ($date_from::date is null or r.occurred_date >= $date_from::date)
      and ($date_to::date is null or r.occurred_date <= $date_to::date)
      and ($text_pattern::varchar is null
           or r.description ilike $text_pattern::varchar escape '\'
           or r.place_text ilike $text_pattern::varchar escape '\')
),

ranked as (
    select q.*,
           row_number() over (order by case when $newest_first then -epoch_ms(q.received_at)
                                            else epoch_ms(q.received_at) end,
                                       case when $newest_first then -q.id else q.id end) as pos,
           count(*) over () as total
    from q
),

paged as (
    select ranked.*, least($page::bigint - 1, (total - 1) // $page_size::bigint) as page0
    from ranked
)

select id, ref_no, received_at, occurred_date, occurred_time, occurred_precision, category,
       channel, intake_method, reporter_type, district_code, district_th, district_en, place_text, description,
       status, version, duplicate_of, lat, lon, location_precision, is_synthetic,
       contact_name, contact_phone, contact_consent, spam_reason,
       total, page0 + 1 as page_no
from paged
where pos > page0 * $page_size::bigint and pos <= (page0 + 1) * $page_size::bigint
order by pos
