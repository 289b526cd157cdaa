-- Workbooks as offices keep them (issue 11): rows skipped as blank or totals rows are counted per batch,
-- each sheet's counts are kept, and quarantined and stored rows say which sheet they came from (row numbers
-- count per sheet). rows_in = imported + quarantined + duplicates + skipped.
ALTER TABLE import_batches ADD COLUMN skipped INTEGER DEFAULT 0;
ALTER TABLE import_batches ADD COLUMN sheets_json VARCHAR;   -- [{"sheet", "rows_in", "imported", ...}] (XLSX)
ALTER TABLE quarantine ADD COLUMN sheet VARCHAR;             -- the workbook sheet of row_no (NULL: CSV, GeoJSON, form)
ALTER TABLE reports ADD COLUMN source_sheet VARCHAR;         -- the workbook sheet of source_row
