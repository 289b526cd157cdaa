-- Date range, synthetic share and channel mix of the reports.
with r as (
    select occurred_date, is_synthetic, channel from reports
),

summary as (
    select
        min(occurred_date) as first_date,
        max(occurred_date) as last_date,
        count(*) as reports,
        coalesce(avg(is_synthetic::int), 0) as synthetic_share
    from r
)

select * from summary
