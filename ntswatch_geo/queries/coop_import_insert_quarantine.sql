-- Keep the activity rows that could not be stored (registered as coop_import_quarantine_rows): the batch, the
-- sheet and 1-based data row, the raw row as JSON and every reason (field, value, code, message, message_th).
insert into coop_quarantine (batch_id, sheet, row_no, raw_json, reasons_json, created_at)
select batch_id, sheet, row_no, raw_json, reasons_json, cast($created_at as timestamp)
from coop_import_quarantine_rows
