-- Guarded intake: who sent a public submission (a keyed hash of the client address, never the address),
-- why a report is held as suspected spam, and statistics that count neither held reports nor duplicates.
ALTER TABLE reports ADD COLUMN client_hash VARCHAR;      -- HMAC of the client address (public form), else NULL
ALTER TABLE reports ADD COLUMN spam_reason VARCHAR;      -- client_rate | surge | client_flood | near_duplicate
CREATE INDEX reports_client_received ON reports (client_hash, received_at);

-- Same filters as migration 003; reports that are duplicates, suspected spam or confirmed spam are never in a
-- statistic (ntswatch_geo/taxonomy.py HELD_STATUSES): they stay in the table for the verification queue.
CREATE OR REPLACE MACRO filtered_reports(date_from, date_to, cats, provs, dists, mwcc_only, chans, stats,
                                         scope_province, scope_district) AS TABLE
    select r.*
    from reports r
    where r.occurred_date between date_from and date_to
      and r.status not in ('duplicate', 'suspected_spam', 'spam')
      and (len(cats) = 0 or list_contains(cats, r.category))
      and (len(provs) = 0 or list_contains(provs, r.province_code))
      and (len(dists) = 0 or list_contains(dists, r.district_code))
      and (len(chans) = 0 or list_contains(chans, r.channel))
      and (len(stats) = 0 or list_contains(stats, r.status))
      and (not mwcc_only or r.district_code in (select district_code from mwcc_sites))
      and (scope_province is null or r.province_code = scope_province)
      and (scope_district is null or r.district_code = scope_district);
