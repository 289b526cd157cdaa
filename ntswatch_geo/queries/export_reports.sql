-- Filtered reports for export. Spreadsheet-formula characters at the start of a text cell are neutralised
-- with a leading apostrophe; coordinates are rounded to 0.01° (about 1 km) when $hide_location is true.
with r as (
    select * from filtered_reports($date_from, $date_to, $cats::varchar[], $provs::varchar[], $dists::varchar[],
                                   $mwcc_only, $chans::varchar[], $stats::varchar[],
                                   $scope_province::varchar, $scope_district::varchar)
),

shaped as (
    select
        r.ref_no, r.occurred_date, r.occurred_time, r.occurred_precision, r.received_at, r.category, r.channel,
        r.intake_method, r.reporter_type, r.status, r.verified_at, r.forwarded_to,
        r.province_code, p.name_th as province_th, p.name_en as province_en,
        r.district_code, d.name_th as district_th, d.name_en as district_en,
        case when $hide_location then round(r.lat, 2) else r.lat end as lat,
        case when $hide_location then round(r.lon, 2) else r.lon end as lon,
        case when $hide_location then 'approx_1km' else r.location_precision end as location_precision,
        case when $hide_location then null else r.place_text end as place_text,
        r.description, r.is_synthetic, r.source,
        case when $with_contacts and r.contact_consent then r.contact_name end as contact_name,
        case when $with_contacts and r.contact_consent then r.contact_phone end as contact_phone
    from r
    join districts d on d.code = r.district_code
    join provinces p on p.code = r.province_code
),

safe as (
    select * replace (
        case when $neutralise and regexp_matches(place_text, '^[=+\-@\t\r]') then '''' || place_text else place_text end as place_text,
        case when $neutralise and regexp_matches(description, '^[=+\-@\t\r]') then '''' || description else description end as description,
        case when $neutralise and regexp_matches(contact_name, '^[=+\-@\t\r]') then '''' || contact_name else contact_name end as contact_name,
        case when $neutralise and regexp_matches(contact_phone, '^[=+\-@\t\r]') then '''' || contact_phone else contact_phone end as contact_phone
    )
    from shaped
)

select * from safe order by received_at, ref_no
limit $max_rows
