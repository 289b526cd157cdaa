-- Retention: delete quarantine rows (raw refused submissions and their reasons) created before $quarantine_cutoff.
DELETE FROM quarantine
WHERE created_at < $quarantine_cutoff::timestamp
