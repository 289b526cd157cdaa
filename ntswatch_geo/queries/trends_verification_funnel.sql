-- The verification funnel of the filtered reports: how many reached each stage. A forwarded report was verified
-- first, so it counts at both stages; rejected and duplicate reports were reviewed but never verified.
with r as (
    select status, verified_at
    from filtered_reports($date_from, $date_to, $cats::varchar[], $provs::varchar[], $dists::varchar[],
                          $mwcc_only, $chans::varchar[], $stats::varchar[],
                          $scope_province::varchar, $scope_district::varchar)
)

select
    count(*) as received,
    count(*) filter (where status <> 'new') as reviewed,
    count(*) filter (where status in ('verified', 'forwarded')) as verified,
    count(*) filter (where status = 'forwarded') as forwarded,
    count(*) filter (where status in ('rejected', 'duplicate')) as closed
from r
