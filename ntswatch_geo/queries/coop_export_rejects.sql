-- The quarantined rows of one activities import ($batch_id), in file order: sheet, row, raw row and reasons (JSON).
select sheet, row_no, raw_json, reasons_json
from coop_quarantine
where batch_id = $batch_id::bigint
order by id
