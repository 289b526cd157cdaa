-- Retention: clear the contact details of decided reports received before $contact_cutoff (privacy.py).
UPDATE reports
SET contact_name = NULL, contact_phone = NULL, contacts_purged_at = $now::timestamp, version = version + 1
WHERE received_at < $contact_cutoff::timestamp
  AND (contact_name IS NOT NULL OR contact_phone IS NOT NULL)
  AND NOT list_contains($open_statuses::varchar[], status)
