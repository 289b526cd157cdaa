-- The batch that imported these file bytes before ($file_sha256: the file's SHA-256, "#<sheet>" when one sheet
-- was chosen), if any: batch, file name, when and by whom.
select batch_id, file_name, imported_at, imported_by
from coop_import_batches
where file_sha256 = $file_sha256::varchar
