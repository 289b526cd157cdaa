-- The sheet of the quarantine rows a workbook sheet's import just wrote (row numbers count per sheet).
UPDATE quarantine SET sheet = $sheet WHERE batch_id = $batch_id AND sheet IS NULL;
