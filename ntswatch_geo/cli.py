"""The `ntswatch` command.

Exit codes: 0 success, 2 bad input (one line naming the file and the problem; the database is left
untouched), 1 anything unexpected.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from . import thai
from .config import settings
from .errors import InputError
from .progress import console, steps

app = typer.Typer(help="NTS-Mekong Watch Geo: border-crime reports on real district boundaries.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)

DbOption = typer.Option(None, "--db", help="The store: a DuckDB file or a postgresql:// URL (default: $NTSWATCH_DB "
                                           "or data/ntswatch.duckdb).")


@app.callback()
def _start() -> None:
    """NTS-Mekong Watch Geo: border-crime reports on real district boundaries."""
    from .files import private_files

    private_files()        # the database, its WAL, rejects, exports and PDFs: owner-only


def _fail(exc: InputError) -> None:
    console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _db_path(db: Optional[str]):
    """The store the command works on (store.Target): --db, else $NTSWATCH_DB, else the default file."""
    from .store import target
    return target(db)


@app.command()
def init(
    db: Optional[str] = DbOption,
    mirror: Optional[str] = typer.Option(
        None, envvar="NTSWATCH_BOUNDARIES_MIRROR",
        help="Download the boundary files from this base URL instead of their pinned public copies "
             "(same file names and bytes; checked by SHA-256). Only used when the files are missing."),
    if_missing: bool = typer.Option(False, "--if-missing",
                                    help="Do nothing when the database already holds the geography."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars."),
) -> None:
    """Load the real boundaries into DuckDB: provinces, districts with DOPA codes, border facts,
    Lao and Cambodian neighbour districts, parallel areas, MWCC sites and border crossings.

    Reads the five files from $NTSWATCH_BOUNDARIES_DIR; when that is not set and data/boundaries/ is empty,
    downloads them. Idempotent: running it twice gives the same database; reports are kept.
    """
    from .geography import build_geography, write_geography
    from .sources import resolve_boundaries_dir
    from .db import connect

    s = settings()
    target = _db_path(db)
    if if_missing and _already(target, "districts", "holds the geography (run without --if-missing to rebuild)"):
        return
    try:
        folder = resolve_boundaries_dir(s.boundaries_dir, s.boundaries_dir_explicit, base_url=mirror,
                                        progress=not quiet)
        with steps(not quiet) as step:
            step("reading boundaries and computing border facts", 0.0)
            geo = build_geography(folder, s.data_dir)
            step("writing the geography to the store", 0.0)
            con = connect(target)
            write_geography(con, geo)
            con.close()
            roles = 0
            if target.is_pg:
                from .pg import roles as pg_roles
                step("creating the login roles of every scope", 0.0)
                roles = pg_roles.ensure(target.url)
    except InputError as exc:
        _fail(exc)
    if target.is_pg:
        console.print(f"[green]ok[/] {target}: {roles:,} login roles (row-level security on reports; "
                      "passwords derived from the role key, see docs/deploy.md)", highlight=False)
    f = geo.facts
    console.print(
        f"[green]ok[/] {target}: {len(geo.b.provinces)} provinces, {len(geo.b.districts)} districts "
        f"({int(geo.b.districts['geom_fixed'].sum())} geometries repaired), "
        f"{int(f['is_border'].sum())} border districts, {len(geo.parallel)} parallel-area pairs, "
        f"{len(geo.mwcc)} named MWCC sites ({geo.mwcc_not_public} not public), {len(geo.crossings)} crossings",
        highlight=False)


@app.command()
def demo(
    reports: int = typer.Option(200_000, "--reports", "-n", min=0, max=20_000_000,
                                help="Number of background synthetic reports to generate."),
    seed: int = typer.Option(42, "--seed", help="Random seed: the same seed and scenario give the same rows."),
    scenario: Optional[Path] = typer.Option(
        None, "--scenario", help="Scenario TOML with base rates and planted signals "
                                 "(default: ntswatch_geo/reference/scenarios/default.toml; see ntswatch_geo/reference/scenarios/README.md)."),
    end_date: Optional[str] = typer.Option(None, "--end-date", help="Last day of generated data, YYYY-MM-DD "
                                                                    "(default: yesterday)."),
    no_scenario: bool = typer.Option(False, "--no-scenario", help="Background only, no planted signals."),
    keep_existing: bool = typer.Option(False, "--keep-existing",
                                       help="Add to existing synthetic reports instead of replacing them."),
    if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing when the database already has reports."),
    activities: Optional[int] = typer.Option(
        None, "--activities", min=0, max=1_000_000,
        help="Synthetic cooperation activities on the real parallel areas, with the scenario's planted effect "
             "(default: the model's expected number, about 1,000; 0 = none). See docs/cooperation.md."),
    db: Optional[str] = DbOption,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars."),
) -> None:
    """Generate synthetic reports and cooperation activities (marked is_synthetic) from a documented, seeded model.

    Needs `ntswatch init` first. Replaces earlier synthetic reports and activities unless --keep-existing;
    never touches real reports or activities.
    """
    from . import scenario as scen
    from . import synth
    from .db import connect, table_exists
    from .dbinfo import clear_synthetic

    s = settings()
    target = _db_path(db)
    if if_empty and _already(target, "reports", "has reports (run without --if-empty to regenerate)"):
        return
    try:
        end = _parse_date(end_date, "--end-date") if end_date else None
        if not target.exists():
            raise InputError(f"{target}: no database; run `ntswatch init` first")
        con = connect(target)
        if not table_exists(con, "districts") or con.execute("SELECT count(*) FROM districts").fetchone()[0] == 0:
            raise InputError(f"{target}: no districts; run `ntswatch init` first")
        sc = None
        if not no_scenario:
            own = s.data_dir / "scenarios" / "default.toml"      # a data folder of one's own may have one
            path = scenario or (own if own.is_file() else scen.DEFAULT_SCENARIO_PATH)
            sc = scen.load_scenario(path)
            sc = scen.validate(sc, con, end_date=end)
        with steps(not quiet) as step:
            if not keep_existing:
                step("removing earlier synthetic reports", 0.0)
                clear_synthetic(con)
            result = synth.generate(con, reports, seed, scenario=sc, end_date=end, progress=step,
                                    n_activities=activities)
        con.close()
    except InputError as exc:
        _fail(exc)
    console.print(f"[green]ok[/] {target}: {result.summary()}", highlight=False)


def _count(target: Path, table: str) -> int:
    """Rows in `table`, or 0 when the database or the table does not exist."""
    from .db import connect, table_exists

    if not target.exists():
        return 0
    con = connect(target, read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] if table_exists(con, table) else 0
    finally:
        con.close()


def _already(target: Path, table: str, what: str) -> bool:
    """True (and says so) when `table` already has rows."""
    if _count(target, table) == 0:
        return False
    console.print(f"[green]ok[/] {target} already {what}", highlight=False)
    return True


def _parse_date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option}: {text!r} is not a date; use YYYY-MM-DD, e.g. 2026-09-30") from None


@app.command()
def info(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    db: Optional[str] = DbOption,
) -> None:
    """Print what the database holds: counts by table, report date range, synthetic share."""
    from .db import connect
    from .dbinfo import database_info

    target = _db_path(db)
    try:
        if not target.exists():
            raise InputError(f"{target}: no database; run `ntswatch init` first")
        con = connect(target, read_only=True)
        data = database_info(con)
        con.close()
    except InputError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps({"database": str(target), **data}, ensure_ascii=False, indent=2))
        return
    t = Table(title=f"{target}")
    t.add_column("what")
    t.add_column("count", justify="right")
    for k, v in data["counts"].items():
        t.add_row(k.replace("_", " "), f"{v:,}")
    console.print(t)
    r, m = data["reports"], data["mwcc"]
    console.print(f"reports {r['total']:,} from {r['first_date']} to {r['last_date']}, "
                  f"synthetic share {r['synthetic_share']:.1%}", highlight=False)
    console.print(f"MWCC programme: {m['programme_districts']} districts, {m['named']} named in public sources, "
                  f"{m['not_public']} not public", highlight=False)


# -- ntswatch users: accounts for the embedded password sign-in (ntswatch_geo.auth) -------------------------

users_app = typer.Typer(help="Accounts and roles in the users file ($NTSWATCH_USERS or data/users.toml).",
                        no_args_is_help=True)
app.add_typer(users_app, name="users")


@contextlib.contextmanager
def _users_db(db: Optional[str]):
    """The project database, opened for writing, for one user change: every change is recorded in its audit
    trail. Yields (connection, whether it holds the geography for checking province and district codes);
    an InputError inside (or the file being in use) ends the command with one line and exit 2.

    When the dashboard (or another command) holds the file, the change is refused and nothing is changed,
    so no user change goes unrecorded; stop the dashboard, change, start it again.
    """
    from .db import connect, table_exists

    con = None
    try:
        con = connect(_db_path(db))
        has_geo = table_exists(con, "districts") and con.execute("SELECT count(*) FROM districts").fetchone()[0] > 0
        yield con, has_geo
    except InputError as exc:
        _fail(exc)
    finally:
        if con is not None:
            con.close()


def _record_user_change(con, action: str, username: str, **detail) -> None:
    from .audit import cli_actor, record

    record(con, action, actor=cli_actor(), object_type="user", object_id=username,
           detail={k: v for k, v in detail.items() if v is not None} or None)


def _read_password(password_stdin: bool) -> str:
    import sys

    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def users_add(
    username: str = typer.Argument(..., help="3-32 characters: lowercase letters, digits, '.', '_', '-'."),
    role: str = typer.Option(..., "--role", help="analyst, governor, district_officer, planner or admin."),
    province: Optional[str] = typer.Option(None, "--province", help="Governor: 2-digit DOPA province code."),
    district: Optional[str] = typer.Option(None, "--district",
                                           help="District officer: 4-digit DOPA district code."),
    name: Optional[str] = typer.Option(None, "--name", help="Display name (default: the username)."),
    email: Optional[str] = typer.Option(None, "--email", help="Email the OIDC provider reports for this person."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from one line of stdin."),
    no_password: bool = typer.Option(False, "--no-password",
                                     help="No password: the account signs in through OIDC only (needs --email)."),
    db: Optional[str] = DbOption,
) -> None:
    """Add a user. The password (at least 12 characters, hard to guess: zxcvbn strength 3 of 4, not the
    username) is asked twice unless --password-stdin. Recorded in the audit trail (user_add)."""
    from .auth import UserStore
    from .passwords import require

    store = UserStore()
    with _users_db(db) as (con, has_geo):
        store.validate(username, role, province, district, email, con if has_geo else None)
        password = None if no_password else _read_password(password_stdin)
        if password is not None:
            require(password, username.strip(), name or "")
        user = store.add(username, password, role, display_name=name, province_code=province,
                         district_code=district, email=email, con=con if has_geo else None)
        _record_user_change(con, "user_add", user.username, role=user.role, province=user.province_code,
                            district=user.district_code, password=user.password_hash is not None)
    console.print(f"[green]ok[/] {store.path}: added {user.username} ({user.role}"
                  f"{', province ' + user.province_code if user.province_code else ''}"
                  f"{', district ' + user.district_code if user.district_code else ''})", highlight=False)


@users_app.command("list")
def users_list(as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table.")) -> None:
    """List the users: username, name, role, province, district, email, two-step sign-in, created (never a
    password hash or two-step secret)."""
    from rich.markup import escape

    from .auth import UserStore

    store = UserStore()
    try:
        users = store.list()
    except InputError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps([u.public_dict() for u in users], ensure_ascii=False, indent=2))
        return
    if not users:
        console.print(f"no users in {store.path}; add one with `ntswatch users add` or `ntswatch users demo`",
                      highlight=False)
        return
    from rich import box

    t = Table(title=str(store.path), box=box.SIMPLE_HEAD)
    for col in ("username", "name", "role", "prov", "dist", "email", "2-step", "created"):
        t.add_column(col, no_wrap=col not in ("name", "email"))
    for u in users:
        t.add_row(*(escape(v or "") for v in (u.username, u.display_name, u.role, u.province_code,
                                               u.district_code, u.email, "on" if u.two_step else "",
                                               u.created_at[:10])))
    console.print(t)


@users_app.command("remove")
def users_remove(username: str = typer.Argument(..., help="The user to remove."),
                 db: Optional[str] = DbOption) -> None:
    """Remove a user from the users file; their sessions end at once. Recorded in the audit trail."""
    from .auth import UserStore
    from .sessions import revoke_all

    store = UserStore()
    with _users_db(db) as (con, _):
        user = store.require(username)
        store.remove(username)
        ended = revoke_all(con, user.username, "user_removed")
        _record_user_change(con, "user_remove", user.username, role=user.role, sessions_ended=ended)
    console.print(f"[green]ok[/] {store.path}: removed {username}", highlight=False)


@users_app.command("password")
def users_password(username: str = typer.Argument(..., help="The user whose password changes."),
                   password_stdin: bool = typer.Option(False, "--password-stdin",
                                                       help="Read the password from one line of stdin."),
                   db: Optional[str] = DbOption) -> None:
    """Set a new password (same policy as `users add`); the user's open sessions end. Recorded (user_change)."""
    from .auth import UserStore
    from .passwords import require
    from .sessions import revoke_all

    store = UserStore()
    with _users_db(db) as (con, _):
        user = store.require(username)
        password = _read_password(password_stdin)
        require(password, user.username, user.display_name)
        store.set_password(user.username, password)
        ended = revoke_all(con, user.username, "password_changed")
        _record_user_change(con, "user_change", user.username, changed="password", sessions_ended=ended)
    console.print(f"[green]ok[/] {store.path}: new password for {user.username}; "
                  f"{ended} open session(s) ended", highlight=False)


@users_app.command("totp")
def users_totp(username: str = typer.Argument(..., help="The account (meant for admins) to protect."),
               db: Optional[str] = DbOption) -> None:
    """Turn on two-step sign-in: prints a new secret and its otpauth:// URI once (add it to an authenticator
    app); from then on sign-in asks for the 6-digit code. Running it again replaces the secret."""
    from .auth import UserStore
    from .totp import provisioning_uri

    store = UserStore()
    with _users_db(db) as (con, _):
        user = store.require(username)
        if not user.password_hash:
            raise InputError(f"user {user.username!r} signs in through OIDC only (no password); two-step "
                             "sign-in is for password accounts (the identity provider has its own)")
        user, secret = store.enable_totp(user.username)
        _record_user_change(con, "totp_enabled", user.username, role=user.role)
    console.print(f"[green]ok[/] {store.path}: two-step sign-in on for {user.username}", highlight=False)
    console.print(f"secret: {secret}", highlight=False)
    console.print(f"uri:    {provisioning_uri(secret, user.username)}", highlight=False, soft_wrap=True)
    console.print("Shown once only: add it to the authenticator app now (e.g. as a QR code of the URI).",
                  highlight=False)


@users_app.command("demo")
def users_demo(db: Optional[str] = DbOption) -> None:
    """Create the five demo accounts (demo-analyst, -governor, -officer, -planner, -admin) when missing, with random passwords printed once. Existing accounts are left as they are."""
    from .auth import UserStore, create_demo_users

    store = UserStore()
    with _users_db(db) as (con, has_geo):
        rows = create_demo_users(store, con if has_geo else None)
        for username, password, role, _ in rows:
            if password:
                _record_user_change(con, "user_add", username, role=role, demo=True)
    t = Table(title=f"demo accounts in {store.path}")
    t.add_column("username", no_wrap=True)
    t.add_column("password", no_wrap=True)
    t.add_column("role", no_wrap=True)
    t.add_column("scope")
    for username, password, role, scope in rows:
        t.add_row(username, password or "(kept)", role, scope)
    console.print(t)
    if any(p for _, p, _, _ in rows):
        console.print("Passwords are shown once only; note them now.", highlight=False)
    if not all(p for _, p, _, _ in rows):
        console.print("(kept): the account existed and keeps its password, which is not shown again; "
                      "`ntswatch users remove NAME` then `ntswatch users demo` makes a new one.", highlight=False)


# -- ntswatch alerts / trends: the Trends page's statistics to a file (ntswatch_geo.trends) -------------------

TABLE_FORMATS = (".csv", ".json", ".parquet")


def _stats_filters(con, target: Path, date_from, date_to, category, province, district):
    """Filters from the shared CLI options, checked against the database (InputError naming the option)."""
    from .briefing import resolve_province
    from .db import run_query
    from .filters import Filters
    from .scope import Scope
    from .taxonomy import CATEGORY_KEYS

    cats = tuple(dict.fromkeys(category or ()))
    bad = [c for c in cats if c not in CATEGORY_KEYS]
    if bad:
        raise InputError(f"--category: {bad[0]!r} is not a category; allowed: {', '.join(CATEGORY_KEYS)}")
    d_from = _parse_date(date_from, "--from") if date_from else None
    d_to = _parse_date(date_to, "--to") if date_to else None
    try:
        provs = tuple(dict.fromkeys(resolve_province(con, p) for p in (province or ())))
    except InputError as exc:
        raise InputError(f"--province: {exc}") from None
    dists = []
    for d in district or ():
        row = con.execute("SELECT code FROM districts WHERE code = ? OR name_th = ? OR lower(name_en) = lower(?)",
                          [d.strip(), d.strip(), d.strip()]).fetchall()
        if len(row) != 1:
            raise InputError(f"--district: {d!r} is not {'one' if row else 'a'} district; allowed: a 4-digit DOPA "
                             "code or a unique Thai or English district name, e.g. 2706 or Aranyaprathet")
        dists.append(row[0][0])
    scope = Scope("analyst")
    first, last, n_reports, _ = run_query(con, "data_extent", scope.sql_params()).fetchone()
    if not n_reports:
        raise InputError(f"{target}: no reports; run `ntswatch demo` or `ntswatch import` first")
    d_from, d_to = d_from or first, d_to or last
    if d_from > d_to:
        raise InputError(f"--from {d_from} is after --to {d_to}")
    return Filters(date_from=d_from, date_to=d_to, categories=cats, provinces=provs,
                   districts=tuple(dict.fromkeys(dists))), scope


def _open_stats_db(db: Optional[str]):
    from .db import connect, table_exists

    target = _db_path(db)
    if not target.exists():
        raise InputError(f"{target}: no database; run `ntswatch init` first")
    con = connect(target, read_only=True)
    if not table_exists(con, "districts"):
        con.close()
        raise InputError(f"{target}: no districts; run `ntswatch init` first")
    return target, con


def _check_out(out: Optional[Path]) -> None:
    if out is not None and out.suffix.lower() not in TABLE_FORMATS:
        raise InputError(f"--out {out}: unknown output format {out.suffix or '(no extension)'!r}; "
                         f"allowed: {', '.join(TABLE_FORMATS)}")


def _write_table(df, out: Path) -> None:
    """CSV (UTF-8 with BOM, formulas neutralised), JSON (records, UTF-8) or Parquet, by the extension."""
    from .exports import csv_bytes

    df = df.copy()
    df.attrs = {}
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        suffix = out.suffix.lower()
        if suffix == ".csv":
            out.write_bytes(csv_bytes(df))
        elif suffix == ".json":
            out.write_text(df.to_json(orient="records", force_ascii=False, date_format="iso", indent=1),
                           encoding="utf-8")
        else:
            df.to_parquet(out, index=False)
    except OSError as exc:
        raise InputError(f"{out}: cannot write ({exc.strerror or exc})") from None


_FROM = typer.Option(None, "--from", help="First day, YYYY-MM-DD (default: first report).")
_TO = typer.Option(None, "--to", help="Last day, YYYY-MM-DD (default: last report).")
_CATEGORY = typer.Option(None, "--category", help="Category key; repeat for several (default: all).")
_PROVINCE = typer.Option(None, "--province", help="Province: DOPA code, Thai or English name; repeat for several.")
_DISTRICT = typer.Option(None, "--district", help="District: DOPA code, Thai or English name; repeat for several.")


@app.command("alerts")
def alerts_cmd(
    month: Optional[str] = typer.Option(None, "--month", help="YYYY-MM (Buddhist-era years accepted) or 'all' "
                                                              "(every complete month in the dates); default: the "
                                                              "latest complete month."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write the alerts to .csv (UTF-8 with BOM), .json or "
                                                           ".parquet, chosen by the extension."),
    date_from: Optional[str] = _FROM,
    date_to: Optional[str] = _TO,
    category: Optional[list[str]] = _CATEGORY,
    province: Optional[list[str]] = _PROVINCE,
    district: Optional[list[str]] = _DISTRICT,
    adjust: str = typer.Option("effort", "--adjust", help="Reporting effort: effort (the default: the district's "
                                                          "all-category reporting, channel by channel, as an "
                                                          "offset; docs/alerts.md) or raw."),
    db: Optional[str] = DbOption,
) -> None:
    """Alerts per district and category: a robust Farrington-type baseline (quasi-Poisson, season, trend when
    significant, past outbreaks left out) and Benjamini-Hochberg FDR across each month's cells.

    Prints the alerts with their evidence and, per month, the cells tested and the expected number of false
    alerts. docs/alerts.md gives the defaults. Reads the database as an analyst (all border districts).
    """
    from rich.markup import escape

    from . import trends as tr

    try:
        _check_out(out)
        target, con = _open_stats_db(db)
        try:
            f, scope = _stats_filters(con, target, date_from, date_to, category, province, district)
            when = _parse_month_option(month)
            if adjust not in ("effort", "raw"):
                raise InputError(f"--adjust: {adjust!r} is not allowed; allowed: effort, raw")
            fired = tr.alerts(con, f, scope, month=when, adjust=adjust)
        finally:
            con.close()
        months = fired.attrs.get("months")
        if out is not None:
            _write_table(fired, out)
    except InputError as exc:
        _fail(exc)
    if months is None or len(months) == 0:
        console.print("no complete month with 12 months of history in these dates: nothing judged", highlight=False,
                      soft_wrap=True)
        return
    for r in fired.head(20).itertuples():
        console.print(f"• {escape(r.evidence_en)}", highlight=False, soft_wrap=True)
    tested, n_alerts = int(months["tested"].sum()), int(months["alerts"].sum())
    span = (f"{months['month'].min():%Y-%m}" if len(months) == 1
            else f"{months['month'].min():%Y-%m} to {months['month'].max():%Y-%m}")
    console.print(f"{span}: {n_alerts} alert(s) in {tested:,} cell-months judged ({len(months)} month(s)); "
                  f"expected false alerts {months['expected_false_alerts'].sum():.2f} "
                  f"(FDR q < {tr.FDR_LEVEL}, at least {tr.MIN_ALERT_REPORTS} reports)", highlight=False,
                  soft_wrap=True)
    if out is not None:
        console.print(f"[green]ok[/] {escape(str(out))}: {len(fired)} alert(s)", highlight=False)


def _parse_month_option(text: Optional[str]):
    if text is None:
        return None
    if text.strip().lower() == "all":
        return "all"
    import re

    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        y = thai.ce_year(y)
        if 1 <= mo <= 12:
            return dt.date(y, mo, 1)
    raise InputError(f"--month: {text!r} is not a month; use YYYY-MM (e.g. 2026-09 or 2569-09) or all")


@app.command("trends")
def trends_cmd(
    by: str = typer.Option("category", "--by", help="Groups: category, district, province or channel, or a "
                                                    "comma-separated mix such as district,category."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write the table to .csv (UTF-8 with BOM), .json or "
                                                           ".parquet, chosen by the extension."),
    date_from: Optional[str] = _FROM,
    date_to: Optional[str] = _TO,
    category: Optional[list[str]] = _CATEGORY,
    province: Optional[list[str]] = _PROVINCE,
    district: Optional[list[str]] = _DISTRICT,
    db: Optional[str] = DbOption,
) -> None:
    """Trend tests per group on the complete months in the dates: the seasonal Mann-Kendall test from 24
    months (plain Mann-Kendall from 12, which does not account for seasonality), Sen's slope, small-count flags.
    """
    from rich.markup import escape

    from . import trends as tr
    from .i18n import label

    try:
        _check_out(out)
        keys = tuple(k.strip() for k in by.split(",") if k.strip())
        bad = [k for k in keys if k not in tr.KEYS]
        if bad or not keys:
            raise InputError(f"--by: {(bad or [by])[0]!r} is not a group; allowed: {', '.join(tr.KEYS)} "
                             "(comma-separated mix)")
        target, con = _open_stats_db(db)
        try:
            f, scope = _stats_filters(con, target, date_from, date_to, category, province, district)
            res = tr.trend_tests(con, f, scope, by=keys)
        finally:
            con.close()
        if out is not None:
            _write_table(res, out)
    except InputError as exc:
        _fail(exc)
    notice = tr.trend_notice(res, "en", cli=True)
    t = Table(title=f"trend tests {f.date_from} to {f.date_to}")
    name_cols = [c for c in ("district_en", "province_en", "category", "channel") if c in res.columns]
    for c in (*name_cols, "months", "test", "trend", "p", "slope/month", "small"):
        t.add_column(c, justify="right" if c in ("months", "p", "slope/month") else "left")
    for r in res.head(40).to_dict("records"):
        names = [label("category", r[c], "en") if c == "category" else str(r[c]) for c in name_cols]
        t.add_row(*(escape(n) for n in names), str(r["months"]), r["test"], r["trend"],
                  "–" if r["p_value"] != r["p_value"] else f"{r['p_value']:.3f}",
                  "–" if r["sen_slope"] != r["sen_slope"] else f"{r['sen_slope']:+.2f}",
                  "yes" if r["small_count"] else "")
    console.print(t)
    if len(res) > 40:
        console.print(f"… {len(res) - 40} more rows (use --out)", highlight=False)
    if notice:
        console.print(f"[yellow]note:[/] {escape(notice)}", highlight=False, soft_wrap=True)
    if out is not None:
        console.print(f"[green]ok[/] {escape(str(out))}: {len(res)} row(s)", highlight=False)


def main() -> None:  # pragma: no cover - console script entry
    app()


from . import cli_ops  # noqa: E402,F401  (ntswatch backup | restore | purge | audit)




# -- ntswatch import: report files into the database (ntswatch_geo.reports.importer) -------------------------


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="CSV (UTF-8, UTF-8 with BOM or TIS-620), XLSX or GeoJSON file of reports."),
    mapping: Optional[Path] = typer.Option(None, "--mapping",
                                           help="TOML or JSON file: source column = field, overriding the "
                                                "column names recognised in Thai and English."),
    sheet: Optional[list[str]] = typer.Option(None, "--sheet",
                                              help="XLSX: import only this sheet (repeat for several). Default: "
                                                   "every visible sheet that has the needed columns."),
    rejects: Optional[Path] = typer.Option(None, "--rejects",
                                           help="Where to write the rejected rows as CSV (default: "
                                                "rejects_<batch>.csv next to the database)."),
    as_user: Optional[str] = typer.Option(None, "--as", help="Import as this account of the users file: its name "
                                                            "goes in the batch and the audit trail, and rows "
                                                            "outside its district or province are quarantined "
                                                            "(default: $USER, unrestricted)."),
    db: Optional[str] = DbOption,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars."),
) -> None:
    """Import one file of reports as one batch: every row is imported, flagged as a likely duplicate, or kept
    in quarantine with its reasons. Re-importing the same file adds nothing; of a workbook, only the sheets
    not imported before are imported (the others are named, with when and by whom).

    Exit 0 when the batch was stored (even with rejected rows), 2 when the file itself cannot be used.
    """
    from rich.markup import escape

    from .db import connect, table_exists
    from .reports.importer import import_file, read_mapping_file

    from .auth import UserStore

    target = _db_path(db)
    actor, scope = os.environ.get("USER") or "cli", None
    try:
        if as_user is not None:     # an existing account: its name in the audit trail, its scope on the rows
            user = UserStore().get(as_user.strip())
            if user is None:
                raise InputError(f"--as: {as_user!r} is not a user; allowed: an account in the users file "
                                 f"(`ntswatch users list`)")
            actor, scope = user.username, user.scope()
        if not target.exists():
            raise InputError(f"{target}: no database; run `ntswatch init` first")
        cols = read_mapping_file(mapping) if mapping else None
        con = connect(target)
        try:
            if not table_exists(con, "districts") or con.execute("SELECT count(*) FROM districts").fetchone()[0] == 0:
                raise InputError(f"{target}: no districts; run `ntswatch init` first")
            with steps(not quiet) as step:
                result = import_file(con, file, actor=actor, mapping=cols, sheets=sheet or None, progress=step,
                                     scope=scope)
        finally:
            con.close()
    except InputError as exc:
        _fail(exc)
    if result.already_imported or result.already_sheets:    # one line: what was imported before, when, by whom
        console.print(f"[yellow]{escape(result.file_name)}:[/] {escape(result.message)}", highlight=False,
                      soft_wrap=True)
    if result.already_imported:
        return
    t = Table(title=f"{escape(result.file_name)} → batch {result.batch_id}")
    by_sheet = len(result.sheets) > 1 or any(r.sheet is not None for r in result.sheets)
    if by_sheet:
        t.add_column("sheet")
    for col in ("rows in", "imported", "quarantined", "duplicates", "skipped"):
        t.add_column(col, justify="right")
    counts = ("rows_in", "imported", "quarantined", "duplicates", "skipped")
    if by_sheet:
        for r in result.sheets:
            t.add_row(escape(str(r.sheet)), *(f"{getattr(r, k):,}" for k in counts))
        t.add_section()
    t.add_row(*(["total"] if by_sheet else []), *(f"{getattr(result, k):,}" for k in counts))
    console.print(t)
    for ig in result.ignored_sheets:
        why = {"hidden": "hidden sheet", "empty": "empty"}.get(ig.reason, ig.detail or ig.reason)
        console.print(f"sheet {escape(repr(ig.sheet))} not imported: {escape(why)}", highlight=False)
    if len(result.rejects):
        out = rejects or (target.files_dir / f"rejects_{result.batch_id}.csv")
        out.parent.mkdir(parents=True, exist_ok=True)
        frame = result.rejects.rename(columns={"message_en": "message"})[
            ["sheet", "row_no", "field", "value", "code", "message", "message_th"]]
        from .exports import csv_bytes

        out.write_bytes(csv_bytes(frame))
        console.print(f"{len(result.rejects):,} rejected field(s) in {result.quarantined:,} row(s): {escape(str(out))}",
                      highlight=False)
    else:
        console.print("no rejected rows", highlight=False)


# -- ntswatch brief: the provincial briefing PDF (ntswatch_geo.briefing) -------------------------------------


@app.command("brief")
def brief(
    province: str = typer.Option(..., "--province",
                                 help="Province: DOPA code (48), Thai name (นครพนม) or English name (Nakhon Phanom)."),
    period: str = typer.Option(..., "--period",
                               help='"2026-09" or "ก.ย. 2569" a month; "2026-Q3" or "ไตรมาส 3 ปีปฏิทิน 2569" a calendar '
                                    'quarter; "FY2569", "FY2026" or "ปีงบประมาณ 2569" the Thai fiscal year (1 Oct - '
                                    '30 Sep, named by the year in which it ends; 2569 = 2026); "FY2569-Q1" or '
                                    '"ไตรมาส 1/2569" a fiscal quarter (Q1 = Oct-Dec: a Thai "ไตรมาส q/ปี" is read as '
                                    'the fiscal quarter). Buddhist-era years and Thai digits are accepted.'),
    lang: str = typer.Option("th", "--lang", help="Language of the briefing and of error messages: th or en."),
    output: Path = typer.Option(..., "--output", "-o", help="Where to write the PDF."),
    db: Optional[str] = DbOption,
) -> None:
    """Write the A4 briefing PDF for one province and period: headline figures against the previous period and
    last year, charts, a map, the district ranking, alerts and the neighbouring provinces.

    An administrator's tool: it reads every report. In the dashboard a governor gets their own province only.
    """
    from rich.markup import escape

    from .briefing import build_briefing, parse_period, resolve_province
    from .db import connect, table_exists
    from .scope import Scope

    target = _db_path(db)
    try:
        if not target.exists():
            raise InputError(f"{target}: no database; run `ntswatch init` first")
        con = connect(target, read_only=True)
        try:
            if not table_exists(con, "provinces"):
                raise InputError(f"{target}: no geography; run `ntswatch init` first")
            msg_lang = lang if lang in ("th", "en") else "en"
            code = resolve_province(con, province, msg_lang)
            per = parse_period(period, lang=msg_lang)
            pdf = build_briefing(con, code, per, lang, Scope("admin"))
        finally:
            con.close()
        _write_pdf(output, pdf)
    except InputError as exc:
        _fail(exc)
    console.print(f"[green]ok[/] {escape(str(output))}: briefing for province {code}, {escape(per.long_label(lang))} "
                  f"{escape('[' + per.key + ']')}, {lang} ({len(pdf) / 1024:.0f} KB)", highlight=False)


def _write_pdf(output: Path, pdf: bytes) -> None:
    """Write a PDF the command made (its folder created); InputError naming the file when it cannot."""
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(pdf)
    except OSError as exc:
        raise InputError(f"{output}: cannot write the PDF ({exc.strerror or exc})") from None


# -- ntswatch dossier: the one-page model-site dossier PDF (ntswatch_geo.dossier) -----------------------------


@app.command("dossier")
def dossier_cmd(
    district: str = typer.Option(..., "--district", help="Border district: DOPA code (2706), Thai name (อรัญประเทศ) "
                                                         "or English name (Aranyaprathet)."),
    output: Path = typer.Option(..., "--output", "-o", help="Where to write the PDF."),
    lang: str = typer.Option("th", "--lang", help="Language of the dossier and of error messages: th or en."),
    preset: str = typer.Option("cooperation_record", "--preset",
                               help="Weights preset: greatest_need, strongest_partnership, balanced or "
                                    "cooperation_record (the cooperation criteria with need and channels)."),
    method: str = typer.Option("topsis", "--method", help="topsis or wsm (weighted sum)."),
    date_from: Optional[str] = typer.Option(None, "--from", help="First day of the reports counted, YYYY-MM-DD "
                                                                 "(default: 364 days before --to, as the Sites page)."),
    date_to: Optional[str] = typer.Option(None, "--to", help="Last day, YYYY-MM-DD (default: the last report's)."),
    db: Optional[str] = DbOption,
) -> None:
    """Write the one-page A4 model-site dossier of a border district: its rank and score under the preset, every
    criterion with the cooperation record, the partnership with the facing districts, SWOT notes and the effect
    estimates of its activity types. Reads everything, as an administrator (the Sites page gives the viewer's)."""
    from rich.markup import escape

    from .dossier import default_filters, dossier_pdf
    from .filters import Filters
    from .scope import Scope
    from .sites import PRESETS

    try:
        if lang not in ("th", "en"):
            raise InputError(f"--lang: {lang!r} is not allowed; allowed: th, en")
        if preset not in PRESETS:
            raise InputError(f"--preset: {preset!r} is not a preset; allowed: {', '.join(PRESETS)}")
        target, con = _open_stats_db(db)
        scope = Scope("admin")
        try:
            f = default_filters(con, scope)
            d_to = _parse_date(date_to, "--to") if date_to else f.date_to
            d_from = (_parse_date(date_from, "--from") if date_from
                      else d_to - dt.timedelta(days=364) if date_to else f.date_from)
            if d_from > d_to:
                raise InputError(f"--from {d_from} is after --to {d_to}")
            pdf = dossier_pdf(con, district, scope=scope, weights=preset, method=method,
                              filters=Filters(d_from, d_to), lang=lang)
        finally:
            con.close()
        _write_pdf(output, pdf)
    except InputError as exc:
        _fail(exc)
    console.print(f"[green]ok[/] {escape(str(output))}: model-site dossier of {escape(district)}, preset {preset}, "
                  f"{lang} ({len(pdf) / 1024:.0f} KB)", highlight=False)


# -- ntswatch hotspots: spatial statistics to a file (ntswatch_geo.hotspots) ----------------------------------


@app.command("hotspots")
def hotspots_cmd(
    out: Path = typer.Option(..., "--out", help="Output file: .geojson (or .json), .csv (geometry as WKT) or "
                                                ".parquet (GeoParquet), chosen by the extension."),
    method: str = typer.Option("gi", "--method", help="gi (Getis-Ord Gi*), lisa (local Moran's I), hdbscan, "
                                                      "dbscan (density clusters of points) or ehsa (emerging hot "
                                                      "spots)."),
    unit: str = typer.Option("district", "--unit", help="district or h3 (gi, lisa, ehsa)."),
    res: Optional[int] = typer.Option(None, "--res", help="H3 resolution 5-8 (default: chosen from the data)."),
    k: int = typer.Option(1, "--k", help="H3 neighbour ring, 1-3."),
    permutations: int = typer.Option(999, "--permutations", help="Conditional permutations, 99-9999."),
    seed: int = typer.Option(0, "--seed", help="Random seed (permutations, point sample)."),
    fdr: Optional[bool] = typer.Option(None, "--fdr/--no-fdr",
                                       help="False Discovery Rate correction (default: on for gi and ehsa, as "
                                            "ArcGIS's Optimized Hot Spot Analysis; off for lisa)."),
    inference: Optional[str] = typer.Option(None, "--inference",
                                            help="gi, ehsa: normal (the z-score's p-value, as ArcGIS; the default) "
                                                 "or permutation (conditional permutations; they cannot see a lone "
                                                 "spike, see docs/hotspots.md)."),
    adjust: Optional[str] = typer.Option(None, "--adjust",
                                         help="Reporting effort: effort (the default: expected counts, "
                                              "docs/hotspots.md) or raw; ehsa also takes slice."),
    cold_rule: bool = typer.Option(True, "--cold-rule/--all-cold",
                                   help="No cold spot where a unit has no reports or fewer than 5 expected (the "
                                        "default); --all-cold shows every cold spot the statistic finds."),
    date_from: Optional[str] = typer.Option(None, "--from", help="First day, YYYY-MM-DD (default: 364 days before "
                                                                 "--to, as the Hotspots page)."),
    date_to: Optional[str] = _TO,
    category: Optional[list[str]] = _CATEGORY,
    province: Optional[list[str]] = _PROVINCE,
    district: Optional[list[str]] = _DISTRICT,
    interval: str = typer.Option("month", "--interval", help="ehsa: month or quarter."),
    time_lags: int = typer.Option(1, "--time-lags", help="ehsa: slices back in the space-time neighbourhood, 1-3."),
    min_cluster_size: int = typer.Option(50, "--min-cluster-size", help="hdbscan/dbscan: points, 5-100000."),
    eps: Optional[float] = typer.Option(None, "--eps", help="hdbscan/dbscan: distance in metres (dbscan eps, "
                                                            "default 300; hdbscan cluster_selection_epsilon)."),
    max_points: Optional[int] = typer.Option(None, "--max-points",
                                             help="hdbscan/dbscan: seeded sample size cap (default 20000 for "
                                                  "hdbscan, 200000 for dbscan)."),
    db: Optional[str] = DbOption,
) -> None:
    """Hot spots, clusters and emerging hot spots of the reports, written per district, H3 cell or cluster.

    Reads the database without changing it, as an analyst, with the Hotspots page's defaults: the last 365
    days of data, z-score p-values with FDR, counts adjusted for reporting effort, no cold spot without
    reports. docs/hotspots.md explains the statistics, their defaults and the emerging hot spot categories.
    """
    from dataclasses import replace

    from . import hotspots as hs
    from .filters import DEFAULT_DAYS

    try:
        if method not in hs.METHODS:
            raise InputError(f"--method: {method!r} is not allowed; allowed: {', '.join(hs.METHODS)}")
        if out.suffix.lower() not in hs.OUTPUT_FORMATS:
            raise InputError(f"--out {out}: unknown output format {out.suffix or '(no extension)'!r}; "
                             f"allowed: {', '.join(hs.OUTPUT_FORMATS)}")
        target, con = _open_stats_db(db)
        try:
            filters, scope = _stats_filters(con, target, date_from, date_to, category, province, district)
            if date_from is None:   # the Hotspots page's default: the last 365 days of data
                start = filters.date_to - dt.timedelta(days=DEFAULT_DAYS - 1)
                filters = replace(filters, date_from=max(filters.date_from, start))
            if method in ("hdbscan", "dbscan"):
                params = dict(min_cluster_size=min_cluster_size, eps_m=eps, max_points=max_points, seed=seed)
            else:
                params = dict(unit=unit, resolution=res, k=k, permutations=permutations, seed=seed)
                if fdr is not None:
                    params["fdr"] = fdr
                if inference is not None and method in ("gi", "ehsa"):
                    params["inference"] = inference
                if adjust is not None:
                    params["adjust"] = adjust
                params["cold_rule"] = cold_rule
                if method == "ehsa":
                    params.update(interval=interval, time_lags=time_lags)
            result = hs.run(method, con, filters, scope, **params)
        finally:
            con.close()
        hs.write_result(result, out)
    except InputError as exc:
        _fail(exc)
    console.print(f"[green]ok[/] {out}: {hs.summary(result)}", highlight=False, soft_wrap=True)
    for note in result.meta.get("warnings", []):
        console.print(f"[yellow]note:[/] {note}", highlight=False, soft_wrap=True)


# -- ntswatch coop: cooperation activities in and out (ntswatch_geo.cooperation.importer / export) -------------

coop_app = typer.Typer(help="Cross-border cooperation activities: import a spreadsheet, export the record.",
                       no_args_is_help=True)
app.add_typer(coop_app, name="coop")

_COOP_AS = typer.Option(None, "--as", help="Act as this account of the users file: its name goes in the batch and "
                                           "the audit trail, and its district or province limits the rows "
                                           "(default: $USER, unrestricted).")


def _coop_account(as_user: Optional[str]):
    """(actor, scope) for --as: an account of the users file; without it the shell's user, unrestricted."""
    from .auth import UserStore

    if as_user is None:
        return os.environ.get("USER") or "cli", None
    user = UserStore().get(as_user.strip())
    if user is None:
        raise InputError(f"--as: {as_user!r} is not a user; allowed: an account in the users file "
                         "(`ntswatch users list`)")
    return user.username, user.scope()


def _coop_store(target):
    from .db import connect, table_exists

    if not target.exists():
        raise InputError(f"{target}: no database; run `ntswatch init` first")
    con = connect(target)
    if not table_exists(con, "districts") or con.execute("SELECT count(*) FROM districts").fetchone()[0] == 0:
        con.close()
        raise InputError(f"{target}: no districts; run `ntswatch init` first")
    return con


@coop_app.command("import")
def coop_import(
    file: Path = typer.Argument(..., help="CSV (UTF-8, UTF-8 with BOM or TIS-620) or XLSX file of activities."),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="XLSX: import only this sheet (default: every "
                                                              "visible sheet that has the needed columns)."),
    as_user: Optional[str] = _COOP_AS,
    rejects: Optional[Path] = typer.Option(None, "--rejects", help="Where to write the rejected rows as CSV "
                                                                   "(default: coop_rejects_<batch>.csv next to "
                                                                   "the database)."),
    lang: str = typer.Option("en", "--lang", help="Language of the summary and of error messages: th or en."),
    db: Optional[str] = DbOption,
) -> None:
    """Import one spreadsheet of cooperation activities as one batch: every row is imported, kept in quarantine
    with its reasons, counted as a duplicate of an activity already recorded, or skipped (blank, totals).
    Importing the same file again adds nothing.

    Exit 0 when the batch was stored (even with rejected rows), 2 when the file itself cannot be used.
    """
    from rich.markup import escape

    from .cooperation.export import rejects_csv
    from .cooperation.importer import import_file
    from .i18n import t

    lang = lang if lang in ("th", "en") else "en"
    target = _db_path(db)
    try:
        actor, scope = _coop_account(as_user)
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise InputError(f"{file}: {exc.strerror or 'cannot be read'}") from None
        con = _coop_store(target)
        try:
            result = import_file(con, data, file.name, actor=actor, scope=scope, sheet=sheet, lang=lang)
        finally:
            con.close()
        out = None
        if not result.already_imported and len(result.rejects):
            out = rejects or (target.files_dir / f"coop_rejects_{result.batch_id}.csv")
            try:
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(rejects_csv(result.rejects))
            except OSError as exc:
                raise InputError(f"{out}: cannot write the rejected rows ({exc.strerror or exc}); the batch "
                                 f"{result.batch_id} was stored") from None
    except InputError as exc:
        _fail(exc)
    colour = "yellow" if result.already_imported else "green"
    console.print(f"[{colour}]ok[/] {escape(result.summary(lang))}", highlight=False, soft_wrap=True)
    if result.already_imported:
        return
    for ig in result.ignored_sheets:
        why = {"hidden": "hidden", "empty": "empty"}.get(ig.reason, ig.detail or ig.reason)
        console.print(escape(t("coop_import.sheet_left_out", lang, sheet=repr(ig.sheet), why=why)), highlight=False,
                      soft_wrap=True)
    if result.unused_columns:
        console.print(escape(t("coop_import.unused_columns", lang, columns=", ".join(map(repr, result.unused_columns)))),
                      highlight=False, soft_wrap=True)
    if out is not None:
        console.print(escape(t("coop_import.rejected", lang, n=f"{result.quarantined:,}", dups=f"{result.duplicates:,}",
                               path=str(out))), highlight=False, soft_wrap=True)
    else:
        console.print(t("coop_import.no_rejects", lang), highlight=False)


@coop_app.command("export")
def coop_export(
    output: Path = typer.Option(..., "--output", "-o", help="Where to write: .xlsx (with an About sheet) or .csv."),
    lang: str = typer.Option("th", "--lang", help="Language of the headers and labels: th or en."),
    date_from: Optional[str] = typer.Option(None, "--from", help="First day, YYYY-MM-DD (default: the first "
                                                                 "activity)."),
    date_to: Optional[str] = typer.Option(None, "--to", help="Last day, YYYY-MM-DD (default: the last activity)."),
    as_user: Optional[str] = _COOP_AS,
    db: Optional[str] = DbOption,
) -> None:
    """Write the cooperation activities (within --as's district or province; without it, every district) as
    a spreadsheet with Thai or English headers and labels. The export is recorded in the audit trail."""
    from rich.markup import escape

    from .cooperation.export import FORMATS, export_file
    from .i18n import t
    from .scope import Scope

    target = _db_path(db)
    try:
        fmt = output.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise InputError(f"--output {output}: unknown format {output.suffix or '(no extension)'!r}; allowed: "
                             f"{', '.join('.' + f for f in FORMATS)}")
        if lang not in ("th", "en"):
            raise InputError(f"--lang {lang!r}: allowed th, en")
        d_from = _parse_date(date_from, "--from") if date_from else None
        d_to = _parse_date(date_to, "--to") if date_to else None
        if d_from and d_to and d_from > d_to:
            raise InputError(f"--from {d_from} is after --to {d_to}")
        actor, scope = _coop_account(as_user)
        scope = scope or Scope("admin", username=actor)
        con = _coop_store(target)
        try:
            data, rows = export_file(con, scope, fmt, lang, d_from, d_to, actor=actor)
        finally:
            con.close()
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_bytes(data)
        except OSError as exc:
            raise InputError(f"{output}: cannot write ({exc.strerror or exc})") from None
    except InputError as exc:
        _fail(exc)
    console.print(f"[green]ok[/] {escape(t('coop_export.written', lang, path=str(output), rows=f'{rows:,}', language=lang))}",
                  highlight=False, soft_wrap=True)


if __name__ == "__main__":  # pragma: no cover
    app()
