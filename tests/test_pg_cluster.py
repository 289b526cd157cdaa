"""The test PostgreSQL cluster is real: password authentication on 127.0.0.1, PostGIS, and the real district
boundaries give the same answers there as in DuckDB spatial."""
from __future__ import annotations

import os

import psycopg
import pytest

from ntswatch_geo.db import connect
from ntswatch_geo.pg import cluster

from pg_support import pg_cluster, throwaway_cluster  # noqa: F401


def test_the_test_cluster_refuses_a_wrong_password_and_listens_on_localhost_only(pg_cluster):  # noqa: F811
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(pg_cluster.url(password="not-the-password"), connect_timeout=5)
    with psycopg.connect(pg_cluster.url()) as con:
        assert con.execute("SHOW listen_addresses").fetchone()[0] == "127.0.0.1"
        assert con.execute("SHOW password_encryption").fetchone()[0] == "scram-sha-256"
    assert (pg_cluster.folder / "password").stat().st_mode & 0o077 == 0


def test_postgis_finds_every_border_district_from_a_point_inside_it_as_duckdb_does(pg_cluster, geo_db_template):  # noqa: F811
    duck = connect(geo_db_template, read_only=True)
    rows = duck.execute("""SELECT code, ST_AsWKB(ST_Multi(geom)), ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)),
                                  is_border FROM districts ORDER BY code""").fetchall()
    duck.close()
    assert len(rows) == 928
    with psycopg.connect(pg_cluster.url()) as con:
        con.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        con.execute("DROP TABLE IF EXISTS t_districts")
        con.execute("CREATE TABLE t_districts (code text PRIMARY KEY, geom geometry(MultiPolygon, 4326) NOT NULL)")
        with con.cursor().copy("COPY t_districts (code, geom) FROM STDIN") as cp:
            for code, wkb, *_ in rows:
                cp.write_row((code, bytes(wkb).hex()))          # hex WKB: PostGIS's text input for geometry
        con.execute("CREATE INDEX ON t_districts USING gist (geom)")
        assert con.execute("SELECT count(*) FROM t_districts WHERE NOT ST_IsValid(geom)").fetchone()[0] == 0
        border = [(code, x, y) for code, _, x, y, is_border in rows if is_border]
        assert len(border) == 67
        for code, x, y in border:
            found = con.execute("""SELECT array_agg(code ORDER BY code) FROM t_districts
                                   WHERE ST_Contains(geom, ST_SetSRID(ST_MakePoint(%s, %s), 4326))""", [x, y]).fetchone()[0]
            assert found == [code], (code, x, y, found)
        con.execute("DROP TABLE t_districts")
        con.commit()


def test_a_stopped_cluster_is_not_running_and_refuses_connections():
    with throwaway_cluster() as c:
        assert cluster.running(c)
        cluster.stop(c)
        assert not cluster.running(c)
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(c.url(), connect_timeout=3)
        cluster.stop(c)                                         # stopping again is harmless


@pytest.mark.skipif(os.geteuid() != 0, reason="only root hands the folder to the postgres user")
def test_a_folder_the_postgres_user_cannot_reach_is_refused_with_a_clear_message(tmp_path):
    with pytest.raises(cluster.ClusterError, match="cannot reach it"):
        cluster.start(tmp_path / "pg")                          # pytest's folders are root's alone
