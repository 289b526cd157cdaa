-- What the public form's guard (ntswatch_geo/reports/guard.py, layer 2) needs to know about the public
-- reports received recently: how many came from this client, how many about this district and category,
-- and the latest descriptions of this category (for the near-duplicate rule). Received-at follows the id,
-- so the scan reads only the newest row groups.
with recent as (
    select client_hash, district_code, category, description, received_at
    from reports
    where channel = 'online' and received_at > $since
)

select
    count(*) filter (where client_hash = $client and received_at > $flood_since) as client_recent,
    count(*) filter (where district_code = $district and category = $category
                     and received_at > $surge_since) as cell_recent,
    (list(description order by received_at desc)
        filter (where category = $category and description is not null))[1:$max_texts] as texts
from recent
