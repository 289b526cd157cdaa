-- What the retention purge would do (ntswatch_geo/privacy.py): reports received before $contact_cutoff that
-- still hold contact details, decided (cleared) or still open (kept), and quarantine rows before
-- $quarantine_cutoff (deleted).
with held as (
    select status
    from reports
    where received_at < $contact_cutoff::timestamp
      and (contact_name is not null or contact_phone is not null)
)

select count(*) filter (where not list_contains($open_statuses::varchar[], status)) as contacts_cleared,
       count(*) filter (where list_contains($open_statuses::varchar[], status)) as contacts_kept_open,
       (select count(*) from quarantine where created_at < $quarantine_cutoff::timestamp) as quarantine_deleted
from held
