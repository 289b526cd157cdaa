"""Shared fixtures: the real boundaries, a geography database built once per session."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ntswatch_geo.config import PROJECT_ROOT


def boundaries_dir() -> Path:
    """Where the tests read the real boundary files (NTSWATCH_BOUNDARIES_DIR or data/boundaries)."""
    env = os.environ.get("NTSWATCH_BOUNDARIES_DIR")
    return Path(env).absolute() if env else PROJECT_ROOT / "data" / "boundaries"


@pytest.fixture(scope="session")
def bdir() -> Path:
    d = boundaries_dir()
    if not (d / "tha_adm2_districts.geojson").is_file():
        pytest.fail(f"boundary files not found in {d}: set NTSWATCH_BOUNDARIES_DIR (CI: ../shared/boundaries) "
                    "or run `ntswatch init` once to download them")
    return d


@pytest.fixture(scope="session")
def geography(bdir):
    """The in-memory Geography (read and computed once per session)."""
    from ntswatch_geo.config import REFERENCE_DIR
    from ntswatch_geo.geography import build_geography

    return build_geography(bdir, REFERENCE_DIR)


@pytest.fixture(scope="session")
def geo_db_template(geography, tmp_path_factory) -> Path:
    """A DuckDB file holding the geography and no reports, built once; copy it, never write to it."""
    from ntswatch_geo.db import connect
    from ntswatch_geo.geography import write_geography

    path = tmp_path_factory.mktemp("template") / "geo.duckdb"
    con = connect(path)
    write_geography(con, geography)
    con.close()
    return path


DEMO_END = __import__("datetime").date(2026, 10, 31)
PASSWORD = "correct-horse-battery"
ACCOUNTS = {  # username: (role, province, district)
    "ana": ("analyst", None, None),
    "gov27": ("governor", "27", None),
    "gov23": ("governor", "23", None),
    "off2706": ("district_officer", None, "2706"),
    "plan": ("planner", None, None),
    "root": ("admin", None, None),
}


@pytest.fixture(scope="session")
def demo_db(geo_db_template, tmp_path_factory) -> Path:
    """Geography plus 20,000 synthetic reports (seed 1, no planted signals), built once; read-only use."""
    from ntswatch_geo.db import connect
    from ntswatch_geo.synth import generate

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    shutil.copy(geo_db_template, path)
    con = connect(path)
    generate(con, 20_000, seed=1, scenario=None, end_date=DEMO_END)
    con.close()
    return path


@pytest.fixture(scope="session")
def users_file(tmp_path_factory) -> Path:
    """A users file with one account per role (password PASSWORD), cheap bcrypt rounds."""
    from ntswatch_geo import auth

    path = tmp_path_factory.mktemp("users") / "users.toml"
    old = auth.BCRYPT_ROUNDS
    auth.BCRYPT_ROUNDS = 4
    store = auth.UserStore(path)
    for name, (role, prov, dist) in ACCOUNTS.items():
        store.add(name, PASSWORD, role, display_name=name, province_code=prov, district_code=dist)
    auth.BCRYPT_ROUNDS = old
    return path


@pytest.fixture(autouse=True)
def _fresh_intake_guard():
    """The public form's rate limits live in the process (reports.guard.default_guard): every test starts
    with none spent, so one test's submissions never throttle another's."""
    from ntswatch_geo.reports import guard
    guard.default_guard().reset()
    guard.default_lookup_guard().reset()
    yield


@pytest.fixture(autouse=True)
def _retention_already_ran_today():
    """The dashboard applies retention on the first page view of a day (ui.session.daily_retention); AppTests
    share one process, so whichever ran first would get a 'purge' audit entry. Mark it done: the test of the
    daily run (test_privacy.py) clears the mark itself."""
    from ntswatch_geo import audit
    from ntswatch_geo.ui import session
    book = session._retention_book()
    saved = book["day"], book["error"]
    book["day"], book["error"] = audit.now_local().date(), None
    yield
    book["day"], book["error"] = saved


# -- the two stores (issue 13): every test that takes `store_kind`, `geo_db`, `store_copy` or `demo_store` runs on
# the DuckDB file and on PostgreSQL (a throwaway cluster, tests/pg_support.py; each test gets a database of its
# own, made from a template database in a fraction of a second and dropped afterwards).

from pg_support import pg_cluster  # noqa: E402,F401  (the session fixture)

STORES = ["duckdb", "postgresql"]
# the key the PostgreSQL login roles' passwords derive from (pg/roles.py): the tests' own, never data/pg_role_key
os.environ.setdefault("NTSWATCH_PG_ROLE_KEY", "test-role-key-" + "0" * 40)


@pytest.fixture(scope="session")
def pg_templates(pg_cluster, geography):
    """Template databases on the test cluster: geo_template (the geography) and demo_template (plus the
    20,000 demo reports of `demo_db`, seed 1)."""
    import pg_support
    from ntswatch_geo.db import connect
    from ntswatch_geo.geography import write_geography
    from ntswatch_geo.synth import generate

    from ntswatch_geo.pg import roles

    pg_support.create_database(pg_cluster, "geo_template")
    con = connect(pg_cluster.url(database="geo_template"))
    write_geography(con, geography)
    con.close()
    roles.ensure(pg_cluster.url(database="geo_template"))
    pg_support.create_database(pg_cluster, "demo_template", template="geo_template")
    con = connect(pg_cluster.url(database="demo_template"))
    generate(con, 20_000, seed=1, scenario=None, end_date=DEMO_END)
    con.close()
    return pg_cluster


@pytest.fixture(params=STORES)
def store_kind(request) -> str:
    return request.param


@pytest.fixture
def store_copy(store_kind, request, tmp_path):
    """`make("geo" | "demo")`: a fresh copy of the geography (or demo) database in this test's store: a DuckDB
    file path, or a postgresql:// URL of a new database (dropped after the test)."""
    made: list = []
    yield _store_maker(store_kind, request, tmp_path, made)
    _drop_made(made)


@pytest.fixture
def geo_db(store_copy):
    """A fresh copy of the geography database for one test, in each store (a Path, or a postgresql:// URL)."""
    return store_copy("geo")


@pytest.fixture(scope="session", params=STORES)
def demo_store(request):
    """The demo database, read-only use, in each store: `demo_db`'s path, or the URL of one shared copy of the
    demo template (the template itself must have no open connection, or no copy can be made of it)."""
    if request.param == "duckdb":
        yield request.getfixturevalue("demo_db")
        return
    import pg_support                # pytest may set a parametrised session fixture up again: a fresh name each time
    cluster = request.getfixturevalue("pg_templates")
    name = pg_support.create_database(cluster, None, template="demo_template")
    yield cluster.url(database=name)
    pg_support.drop_database(cluster, name)


def _store_maker(kind: str, request, folder: Path, made: list):
    """make(what): a fresh copy of "geo" (the geography), "demo" (the demo reports) or of a store made earlier
    in the same store kind (a DuckDB path or a postgresql:// URL; on PostgreSQL nobody may be connected to it)."""
    def make(what="geo"):
        named = what in ("geo", "demo")
        if kind == "duckdb":
            src = request.getfixturevalue("geo_db_template" if what == "geo" else "demo_db") if named else what
            path = folder / f"{what if named else 'copy'}-{len(made)}.duckdb"
            shutil.copy(src, path)
            made.append(None)
            return path
        import pg_support
        from psycopg.conninfo import conninfo_to_dict
        cluster = request.getfixturevalue("pg_templates")
        template = f"{what}_template" if named else conninfo_to_dict(str(what))["dbname"]
        name = pg_support.create_database(cluster, None, template=template)
        made.append((cluster, name))
        return cluster.url(database=name)
    return make


def _drop_made(made: list) -> None:
    import pg_support
    for m in made:
        if m is not None:
            pg_support.drop_database(*m)


@pytest.fixture(scope="module", params=STORES)
def module_store_copy(request, tmp_path_factory):
    """`store_copy` for a module-scoped fixture: each module's tests run once per store."""
    made: list = []
    yield _store_maker(request.param, request, tmp_path_factory.mktemp("store"), made)
    _drop_made(made)


SIGNALS_SCENARIO = Path(__file__).resolve().parent / "fixtures" / "scenarios" / "trends_signals.toml"
SIGNALS_REPORTS, SIGNALS_SEED = 150_000, 5


@pytest.fixture(scope="session", params=STORES)
def signals_store(request, tmp_path_factory):
    """The trend-signals database (tests/test_trends_signals.py; test_briefing.py reads it too), built once per
    session in each store: SIGNALS_REPORTS background reports (seed SIGNALS_SEED, data to DEMO_END) and the planted
    signals of SIGNALS_SCENARIO. Read-only use."""
    from ntswatch_geo.db import connect
    from ntswatch_geo.scenario import load_scenario
    from ntswatch_geo.synth import generate

    made: list = []
    db = _store_maker(request.param, request, tmp_path_factory.mktemp("signals"), made)("geo")
    con = connect(db)
    generate(con, SIGNALS_REPORTS, seed=SIGNALS_SEED, end_date=DEMO_END, scenario=load_scenario(SIGNALS_SCENARIO))
    con.close()
    yield db
    _drop_made(made)
