-- The data an export was made from: how many reports the database holds, the latest id, the change counter
-- (sum of row versions) and the latest receipt. Written into every XLSX export's About sheet.
select count(*) as reports, coalesce(max(id), 0) as max_id, coalesce(sum(version), 0) as changes,
       max(received_at) as as_of
from reports
