-- The public status page: one report by its reference number — when it was received and its status only
-- (and, for a duplicate, the status of the report it was merged into). Nothing personal, no place, no names.
select r.received_at::DATE as received_on, r.status, o.status as original_status
from reports r
left join reports o on o.id = r.duplicate_of
where r.ref_no = $ref_no
limit 1
