"""What the database holds (`ntswatch info`) and demo-data housekeeping."""
from __future__ import annotations

from .db import run_query, transaction


def database_info(con) -> dict:
    """Counts by table, report date range and synthetic share, MWCC programme facts, as a JSON-ready dict."""
    counts = dict(run_query(con, "info_table_counts").fetchall())
    first, last, n, share = run_query(con, "info_reports_summary").fetchone()
    meta = dict(con.execute("SELECT key, value FROM geography_meta").fetchall())
    return {
        "counts": {k: int(v) for k, v in counts.items()},
        "reports": {
            "total": int(n),
            "first_date": first.isoformat() if first else None,
            "last_date": last.isoformat() if last else None,
            "synthetic_share": round(float(share), 4),
        },
        "mwcc": {
            "programme_districts": int(meta.get("mwcc_programme_districts", 44)),
            "named": counts.get("mwcc_sites_named", 0),
            "not_public": int(meta.get("mwcc_not_public", 0)),
        },
        "border_method": {
            "buffer_m": float(meta["border_buffer_m"]) if "border_buffer_m" in meta else None,
            "min_shared_km": float(meta["border_min_shared_km"]) if "border_min_shared_km" in meta else None,
        },
    }


def clear_synthetic(con) -> int:
    """Delete every synthetic report, every synthetic cooperation activity (with its facing districts) and the
    generator's records, in one transaction; returns the reports deleted. A SWOT note someone linked to a
    synthetic activity is kept, unlinked."""
    def work():
        n = con.execute("SELECT count(*) FROM reports WHERE is_synthetic").fetchone()[0]
        con.execute("DELETE FROM reports WHERE is_synthetic")
        con.execute("DELETE FROM planted_reports")
        con.execute("DELETE FROM planted_signals")
        con.execute("DELETE FROM synth_runs")
        synthetic = "SELECT id FROM coop_activities WHERE is_synthetic"
        con.execute(f"UPDATE swot_notes SET activity_id = NULL WHERE activity_id IN ({synthetic})")
        con.execute(f"DELETE FROM coop_activity_areas WHERE activity_id IN ({synthetic})")
        con.execute("DELETE FROM coop_activities WHERE is_synthetic")
        con.execute("DELETE FROM coop_planted_effects")
        return int(n)

    return transaction(con, work)
