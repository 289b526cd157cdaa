-- Store the validated rows registered as intake_rows (ids already drawn from report_id_seq).
-- ref_no: NTS-<Buddhist-era year of receipt>-<id zero-padded to 6 digits>; a flagged duplicate gets
-- status 'duplicate', every other row 'new' — unless the public form's guard holds the submission
-- ($spam_reason, ntswatch_geo/reports/guard.py): then 'suspected_spam', duplicate_of still recorded.
INSERT INTO reports (id, ref_no, occurred_date, occurred_time, occurred_precision, received_at, category,
                     channel, intake_method, reporter_type, lat, lon, geom, location_precision, place_text,
                     district_code, province_code, description, status, contact_name, contact_phone, source,
                     batch_id, is_synthetic, subdistrict_code, officer, contact_consent, duplicate_of,
                     source_row, district_confidence, client_hash, spam_reason)
SELECT id,
       printf('NTS-%d-%06d', year(CAST($received_at AS TIMESTAMP)) + 543, id),
       occurred_date,
       CASE WHEN occurred_time_s < 0 THEN NULL
            ELSE make_time(occurred_time_s // 3600, (occurred_time_s % 3600) // 60, occurred_time_s % 60) END,
       occurred_precision,
       CAST($received_at AS TIMESTAMP),
       category,
       $channel,
       intake_method,
       reporter_type,
       lat,
       lon,
       ST_Point(lon, lat),
       location_precision,
       place_text,
       district_code,
       province_code,
       description,
       CASE WHEN $spam_reason::VARCHAR IS NOT NULL THEN 'suspected_spam'
            WHEN duplicate_of IS NULL THEN 'new' ELSE 'duplicate' END,
       contact_name,
       contact_phone,
       $source,
       CAST($batch_id AS BIGINT),
       false,
       subdistrict_code,
       officer,
       contact_consent,
       duplicate_of,
       source_row,
       district_confidence,
       $client_hash::VARCHAR,
       $spam_reason::VARCHAR
FROM intake_rows;
