-- The audit trail as one table: the audit log (sign-ins, users, views, exports, redactions, purges, backups)
-- and each report's own trail (audit_events: received, verified, forwarded ...), oldest first.
-- $date_from/$date_to: days, inclusive (NULL = open); $actor: exact (NULL = all); $action: a code (NULL = all);
-- $limit: the latest N entries (NULL = all).
with log as (
    select logged_at, 'audit_log' as source, id as source_id, actor, role, client, action,
           object_type, object_id, detail
    from audit_log
),
trail as (
    select cast(acted_at as timestamp) as logged_at, 'report_trail' as source, id as source_id, actor,
           cast(null as varchar) as role, cast(null as varchar) as client, action,
           'report' as object_type, cast(report_id as varchar) as object_id,
           cast(json_object('from_status', from_status, 'to_status', to_status, 'note', note,
                            'agency', agency, 'duplicate_of', duplicate_of) as varchar) as detail
    from audit_events
),
everything as (
    select * from log
    union all
    select * from trail
),
picked as (
    select *
    from everything
    where ($date_from::date is null or logged_at >= $date_from::date)
      and ($date_to::date is null or logged_at < $date_to::date + interval 1 day)
      and ($actor::varchar is null or actor = $actor::varchar)
      and ($action::varchar is null or action = $action::varchar)
    order by logged_at desc, source desc, source_id desc
    limit $limit
)

select logged_at, source, actor, role, client, action, object_type, object_id, detail
from picked
order by logged_at, source, source_id
