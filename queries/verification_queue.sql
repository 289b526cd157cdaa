-- Reports waiting for a decision in the viewer's scope, oldest first (decided ones: newest first).
with q as (
    select r.*
    from reports r
    where list_contains($statuses::varchar[], r.status)
      and ($scope_province::varchar is null or r.province_code = $scope_province::varchar)
      and ($scope_district::varchar is null or r.district_code = $scope_district::varchar)
)

select q.id, q.ref_no, q.received_at, q.occurred_date, q.occurred_time, q.occurred_precision, q.category,
       q.channel, q.intake_method, q.reporter_type, q.district_code, d.name_th as district_th,
       d.name_en as district_en, q.place_text, q.description, q.status, q.version, q.duplicate_of,
       q.lat, q.lon, q.location_precision, q.is_synthetic,
       q.contact_name, q.contact_phone, q.contact_consent, q.spam_reason
from q
join districts d on d.code = q.district_code
order by case when $newest_first then -epoch_ms(q.received_at) else epoch_ms(q.received_at) end,
         case when $newest_first then -q.id else q.id end
limit $limit
