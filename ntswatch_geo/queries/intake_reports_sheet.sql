-- The sheet of the reports a workbook sheet's import just stored (source_row counts per sheet).
UPDATE reports SET source_sheet = $sheet WHERE batch_id = $batch_id AND source_sheet IS NULL;
