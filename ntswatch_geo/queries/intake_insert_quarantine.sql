-- Keep the rows that could not be stored (registered as intake_quarantine_rows): the raw row as JSON,
-- the batch (NULL for a form), the 1-based data row number and the machine-readable reasons.
INSERT INTO quarantine (batch_id, row_no, raw_json, reasons_json, created_at)
SELECT batch_id, row_no, raw_json, reasons_json, CAST($created_at AS TIMESTAMP)
FROM intake_quarantine_rows;
