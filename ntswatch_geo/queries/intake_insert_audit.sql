-- One 'created' audit event per report just stored from intake_rows; the note carries the warnings
-- (swapped coordinates, district mismatch, dropped contact details) as JSON.
INSERT INTO audit_events (report_id, actor, acted_at, action, from_status, to_status, note, duplicate_of)
SELECT id,
       $actor,
       CAST($received_at AS TIMESTAMP),
       'created',
       NULL,
       CASE WHEN $spam_reason::VARCHAR IS NOT NULL THEN 'suspected_spam'
            WHEN duplicate_of IS NULL THEN 'new' ELSE 'duplicate' END,
       coalesce(note, CASE WHEN $spam_reason::VARCHAR IS NOT NULL THEN 'held: ' || $spam_reason::VARCHAR END),
       duplicate_of
FROM intake_rows;
