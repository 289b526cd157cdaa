-- A report's audit trail, oldest first.
with ev as (
    select * from audit_events where report_id = $report_id
)

select acted_at, actor, action, from_status, to_status, note, agency, duplicate_of
from ev
order by acted_at, id
