"""`ntswatch init`'s geography, checked on the real boundary files in a real DuckDB file."""
from __future__ import annotations

import pytest

from ntswatch_geo.db import connect
from ntswatch_geo.geography import write_geography


@pytest.fixture(scope="module")
def con(module_store_copy):
    c = connect(module_store_copy("geo"), read_only=True)
    yield c
    c.close()


def one(con, sql, params=None):
    return con.execute(sql, params or []).fetchone()[0]


def test_init_loads_77_provinces_with_two_digit_dopa_codes(con):
    assert one(con, "SELECT count(*) FROM provinces") == 77
    assert one(con, "SELECT count(*) FROM provinces WHERE regexp_full_match(code, '[0-9]{2}')") == 77
    assert one(con, "SELECT name_th FROM provinces WHERE name_en = 'Nakhon Phanom'") == "นครพนม"


def test_init_gives_every_one_of_928_districts_a_dopa_code(con):
    assert one(con, "SELECT count(*) FROM districts") == 928
    assert one(con, "SELECT count(DISTINCT code) FROM districts WHERE regexp_full_match(code, '[0-9]{4}')") == 928
    assert one(con, "SELECT count(*) FROM districts d LEFT JOIN provinces p ON p.code = d.province_code "
                    "WHERE p.code IS NULL OR d.code[1:2] <> d.province_code") == 0


@pytest.mark.parametrize("cut_name, code, full_name", [
    ("เมืองนครศรีธรรมร", "8001", "เมืองนครศรีธรรมราช"),
    ("เมืองประจวบคีรีข", "7701", "เมืองประจวบคีรีขันธ์"),
    ("เมืองสุราษฎร์ธาน", "8401", "เมืองสุราษฎร์ธานี"),
    ("ป้อมปราบศัตรูพ่า", "1008", "ป้อมปราบศัตรูพ่าย"),
])
def test_district_names_cut_to_16_characters_are_matched_by_prefix(con, cut_name, code, full_name):
    row = con.execute("SELECT code, name_th FROM districts WHERE source_name_th = ?", [cut_name]).fetchone()
    assert row == (code, full_name)


def test_init_repairs_the_nine_invalid_district_geometries(con):
    assert one(con, "SELECT count(*) FROM districts WHERE geom_fixed") == 9
    assert one(con, "SELECT count(*) FROM districts WHERE NOT ST_IsValid(geom)") == 0
    assert one(con, "SELECT count(*) FROM districts WHERE ST_GeometryType(geom) NOT IN ('POLYGON', 'MULTIPOLYGON')") == 0


def test_district_areas_add_up_to_thailand(con):
    # Thailand is about 513,000 km² (land); the simplified file gives a little more
    total = one(con, "SELECT sum(area_km2) FROM districts")
    assert total == pytest.approx(513_120, rel=0.01)


def test_district_area_agrees_with_the_geodesic_area_of_its_polygon(con):
    import shapely
    from pyproj import Geod

    wkb, km2 = con.execute("SELECT ST_AsWKB(geom), area_km2 FROM districts WHERE code = '2706'").fetchone()
    geodesic = abs(Geod(ellps="WGS84").geometry_area_perimeter(shapely.from_wkb(bytes(wkb)))[0]) / 1e6
    assert km2 == pytest.approx(geodesic, rel=1e-3)


def test_init_loads_148_lao_and_197_cambodian_neighbour_districts(con):
    rows = dict(con.execute("SELECT country, count(*) FROM neighbour_districts GROUP BY 1").fetchall())
    assert rows == {"LA": 148, "KH": 197}
    assert one(con, "SELECT count(*) FROM neighbour_districts WHERE country = 'LA' AND province_en IS NULL") == 0
    assert one(con, "SELECT province_en FROM neighbour_districts WHERE name_en = 'Huoixai'") == "Bokeo"


def test_border_districts_are_67_in_18_provinces_with_nam_yuen_on_both_borders(con):
    assert one(con, "SELECT count(*) FROM districts WHERE is_border") == 67
    assert one(con, "SELECT count(DISTINCT province_code) FROM districts WHERE is_border") == 18
    assert [r[0] for r in con.execute("SELECT name_en FROM districts WHERE border_country = 'LA,KH'").fetchall()] == ["Nam Yuen"]
    by = dict(con.execute("SELECT border_country, count(*) FROM districts WHERE is_border GROUP BY 1").fetchall())
    assert by == {"LA": 48, "KH": 18, "LA,KH": 1}


def test_border_length_is_zero_inland_and_positive_on_the_border(con):
    assert one(con, "SELECT count(*) FROM districts WHERE NOT is_border AND border_km_la + border_km_kh > 0") == 0
    assert one(con, "SELECT min(border_km_la + border_km_kh) FROM districts WHERE is_border") > 2.0
    # Khlong Yai (Trat) runs along the Cambodian border for tens of km
    assert 30 < one(con, "SELECT border_km_kh FROM districts WHERE code = '2302'") < 120


@pytest.mark.parametrize("thai, neighbour", [
    ("Nam Yuen", "Choam Ksant"),
    ("Aranyaprathet", "Paoy Paet"),
    ("Chiang Khong", "Huoixai"),
    ("Mueang Nong Khai", "Hadxaifong"),
])
def test_parallel_areas_pair_a_border_district_with_the_district_it_faces(con, thai, neighbour):
    km = one(con, """SELECT pa.shared_km FROM parallel_areas pa
                     JOIN districts d ON d.code = pa.district_code
                     JOIN neighbour_districts n ON n.id = pa.neighbour_id
                     WHERE d.name_en = ? AND n.name_en = ?""", [thai, neighbour])
    assert km > 1.0


def test_every_border_district_has_a_parallel_area_and_only_border_districts_do(con):
    assert one(con, "SELECT count(DISTINCT district_code) FROM parallel_areas") == 67
    assert one(con, "SELECT count(*) FROM parallel_areas pa JOIN districts d ON d.code = pa.district_code "
                    "WHERE NOT d.is_border") == 0
    assert one(con, "SELECT count(*) FROM parallel_areas pa JOIN neighbour_districts n ON n.id = pa.neighbour_id "
                    "WHERE n.country <> pa.country") == 0


def test_mwcc_sites_are_37_named_border_districts_and_7_are_not_public(con):
    assert one(con, "SELECT count(*) FROM mwcc_sites") == 37
    assert one(con, "SELECT count(*) FROM mwcc_sites m JOIN districts d ON d.code = m.district_code WHERE d.is_border") == 37
    assert one(con, "SELECT count(*) FROM mwcc_sites WHERE source_url NOT LIKE 'https://nts-mekong.com/%'") == 0
    assert one(con, "SELECT value FROM geography_meta WHERE key = 'mwcc_not_public'") == "7"
    assert one(con, "SELECT count(DISTINCT d.province_code) FROM mwcc_sites m JOIN districts d ON d.code = m.district_code") == 15


def test_crossings_with_published_coordinates_lie_in_or_next_to_their_district(con):
    # bridges stand on the Mekong, so allow the river's width between the point and the bank
    far = con.execute("""SELECT c.id, ST_Distance_Sphere(c.geom, ST_PointOnSurface(d.geom)) AS d,
                                ST_Distance(c.geom, d.geom) * 111.0 AS km
                         FROM border_crossings c JOIN districts d ON d.code = c.district_code
                         WHERE NOT c.approximate AND ST_Distance(c.geom, d.geom) * 111.0 > 3.0""").fetchall()
    assert far == []


def test_crossings_without_coordinates_are_placed_on_their_districts_border_and_marked_approximate(con):
    rows = con.execute("""SELECT c.id, ST_Distance(c.geom, ST_Boundary(d.geom)) * 111000 AS m
                          FROM border_crossings c JOIN districts d ON d.code = c.district_code
                          WHERE c.approximate""").fetchall()
    assert len(rows) == 10
    assert max(m for _, m in rows) < 50
    # two approximate crossings in Aranyaprathet get two different points
    assert one(con, "SELECT count(DISTINCT (lat, lon)) FROM border_crossings WHERE district_code = '2706'") == 2


def _table_digest(con, table):
    cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    exprs = ", ".join(f"ST_AsHEXWKB({c})" if c == "geom" else c for c in cols)
    return con.execute(f"SELECT md5(string_agg(row_txt, '|' ORDER BY row_txt)) FROM "
                       f"(SELECT CAST(ROW({exprs}) AS VARCHAR) AS row_txt FROM {table})").fetchone()[0]


GEO_TABLES = ["provinces", "districts", "neighbour_districts", "parallel_areas", "mwcc_sites",
              "border_crossings", "geography_meta", "categories", "channels"]


def test_init_twice_gives_the_same_database(geo_db, geography):
    con = connect(geo_db)
    before = {t: _table_digest(con, t) for t in GEO_TABLES}
    write_geography(con, geography)
    after = {t: _table_digest(con, t) for t in GEO_TABLES}
    assert before == after
    assert one(con, "SELECT count(*) FROM districts") == 928


def test_geometry_is_stored_as_duckdb_geometry(con):
    types = dict(con.execute("SELECT table_name, data_type FROM information_schema.columns "
                             "WHERE column_name = 'geom'").fetchall())
    assert {t: types[t] for t in ["provinces", "districts", "neighbour_districts"]} == {
        "provinces": "GEOMETRY", "districts": "GEOMETRY", "neighbour_districts": "GEOMETRY"}


def test_every_district_centroid_lies_inside_its_district(con):
    assert one(con, "SELECT count(*) FROM districts "
                    "WHERE NOT ST_Contains(geom, ST_Point(centroid_lon, centroid_lat))") == 0
