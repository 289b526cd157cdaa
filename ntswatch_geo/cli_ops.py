"""`ntswatch backup | restore | purge | audit | serve | pg-password`: operations on the store (registered on cli.app).

Each prints one line of result, or one line of error with exit 2 (a database in use by the dashboard, a file
that is not a backup, a bad option). `--as` names an admin account of the users file; without it the entry
in the audit trail names the shell user as `cli:<user>`.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from .cli import DbOption, _db_path, _fail, _parse_date, app
from .errors import InputError
from .progress import console

AUDIT_SHOWN = 200
_AS = typer.Option(None, "--as", help="An admin account of the users file, named in the audit trail "
                                      "(default: cli:<your user>).")


def _admin(as_user: Optional[str]) -> tuple[str, str | None]:
    """(actor, role) for the audit trail: an admin account when --as is given, else the shell user."""
    from .audit import cli_actor
    from .auth import UserStore

    if as_user is None:
        return cli_actor(), None
    user = UserStore().get(as_user.strip())
    if user is None:
        raise InputError(f"--as: {as_user!r} is not a user; allowed: an admin account in the users file "
                         "(`ntswatch users list`)")
    if user.role != "admin":
        raise InputError(f"--as: {user.username!r} has the role {user.role}; allowed: an admin account")
    return user.username, user.role


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:,.0f} KB"


@app.command("backup")
def backup_cmd(
    file: Path = typer.Argument(..., help="Where to write the backup (a new file; see --force)."),
    force: bool = typer.Option(False, "--force", help="Replace FILE if it exists."),
    as_user: Optional[str] = _AS,
    db: Optional[str] = DbOption,
) -> None:
    """Write a consistent single-file copy of the database (owner-only, mode 600) to FILE.

    The dashboard must not be running on the same database (stop it first). The copy holds no write-ahead
    log and none of the space freed by redactions.
    """
    from .backup import backup

    try:
        actor, _ = _admin(as_user)
        res = backup(_db_path(db), file, force=force, actor=actor)
    except InputError as exc:
        _fail(exc)
    console.print(f"[green]ok[/] {escape(str(res.path))}: {_size(res.size)}, {res.reports:,} reports, "
                  f"schema {res.schema_version}", highlight=False, soft_wrap=True)


@app.command("restore")
def restore_cmd(
    file: Path = typer.Argument(..., help="A backup written by `ntswatch backup`."),
    as_user: Optional[str] = _AS,
    db: Optional[str] = DbOption,
) -> None:
    """Replace the database with the backup FILE; the replaced file is kept as <db>.before-restore-<time>.

    Refused while the dashboard holds the database, and for a file that is not this project's database (or
    one made by a newer version). A stale <db>.wal is moved aside, never replayed into the restored data.
    """
    from .backup import restore

    try:
        actor, _ = _admin(as_user)
        res = restore(_db_path(db), file, actor=actor)
    except InputError as exc:
        _fail(exc)
    kept = f"; the replaced file is kept as {escape(res.kept_as.name)}" if res.kept_as else ""
    wal = " (with its write-ahead log beside it, never replayed into the restored data)" if res.stale_wal else ""
    console.print(f"[green]ok[/] {escape(str(res.path))}: restored from {escape(str(file))}, {res.reports:,} reports, "
                  f"schema {res.schema_version}{kept}{wal}", highlight=False, soft_wrap=True)


@app.command("purge")
def purge_cmd(
    dry_run: bool = typer.Option(False, "--dry-run", help="Count what would be purged; change nothing."),
    as_user: Optional[str] = _AS,
    db: Optional[str] = DbOption,
) -> None:
    """Apply the retention rule: clear the contact details of decided reports received more than
    $NTSWATCH_RETAIN_CONTACT_DAYS days ago (365) and delete quarantine rows older than
    $NTSWATCH_RETAIN_QUARANTINE_DAYS days (90). Reports still new, verified or held keep their contacts.
    """
    from .config import retention
    from .db import connect
    from .privacy import purge

    target = _db_path(db)
    try:
        actor, role = _admin(as_user)
        r = retention()
        if not target.exists():
            raise InputError(f"{target}: no database; run `ntswatch init` first")
        con = connect(target)
        try:
            res = purge(con, contact_days=r.contact_days, quarantine_days=r.quarantine_days, dry_run=dry_run,
                        actor=actor, role=role)
        finally:
            con.close()
    except InputError as exc:
        _fail(exc)
    verb = "would clear" if dry_run else "cleared"
    console.print(f"[green]{'dry run' if dry_run else 'ok'}[/] {escape(str(target))}: {verb} the contact details "
                  f"of {res.contacts_cleared:,} decided report(s) received before {res.contact_cutoff:%Y-%m-%d} "
                  f"({r.contact_days} days); {'would delete' if dry_run else 'deleted'} "
                  f"{res.quarantine_deleted:,} quarantine row(s) before {res.quarantine_cutoff:%Y-%m-%d} "
                  f"({r.quarantine_days} days); {res.contacts_kept_open:,} older report(s) still open keep "
                  "their contacts", highlight=False, soft_wrap=True)


@app.command("audit")
def audit_cmd(
    date_from: Optional[str] = typer.Option(None, "--from", help="First day, YYYY-MM-DD (default: the first entry)."),
    date_to: Optional[str] = typer.Option(None, "--to", help="Last day, YYYY-MM-DD (default: today)."),
    actor: Optional[str] = typer.Option(None, "--actor", help="Only this actor (username, public, cli:<user>)."),
    action: Optional[str] = typer.Option(None, "--action", help="Only this action, e.g. sign_in, redact, verify."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write the entries to a CSV file (UTF-8 with BOM)."),
    as_user: Optional[str] = _AS,
    db: Optional[str] = DbOption,
) -> None:
    """The audit trail, oldest first: sign-ins, user changes, views and exports of contact details,
    redactions, purges, backups, and every decision on a report. Reading it is itself recorded."""
    from . import audit
    from .db import connect
    from .exports import csv_bytes

    target = _db_path(db)
    try:
        who, role = _admin(as_user)
        d_from = _parse_date(date_from, "--from") if date_from else None
        d_to = _parse_date(date_to, "--to") if date_to else None
        if d_from and d_to and d_from > d_to:
            raise InputError(f"--from {d_from} is after --to {d_to}")
        if action is not None and action not in audit.all_actions():
            raise InputError(f"--action: {action!r} is not an action; allowed: {', '.join(audit.all_actions())}")
        if out is not None and out.suffix.lower() != ".csv":
            raise InputError(f"--out {out}: unknown output format {out.suffix or '(no extension)'!r}; allowed: .csv")
        if not target.exists():
            raise InputError(f"{target}: no database; run `ntswatch init` first")
        con = connect(target)
        try:
            df = audit.events(con, date_from=d_from, date_to=d_to, actor=actor, action=action)
            audit.record(con, "view_audit", actor=who, role=role, object_type="audit", detail={
                "from": d_from, "to": d_to, "actor": actor, "action": action, "rows": len(df),
                "out": str(out) if out else None})
        finally:
            con.close()
        if out is not None:
            try:
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(csv_bytes(df))
            except OSError as exc:
                raise InputError(f"{out}: cannot write ({exc.strerror or exc})") from None
    except InputError as exc:
        _fail(exc)
    if as_json:
        typer.echo(df.to_json(orient="records", force_ascii=False, date_format="iso", indent=1))
        return
    if out is not None:
        console.print(f"[green]ok[/] {escape(str(out))}: {len(df):,} entries", highlight=False)
        return
    t = Table(title=f"audit trail: {target.name}")
    for c in ("when", "actor", "role", "action", "object", "detail"):
        t.add_column(c, overflow="fold")
    for r in df.tail(AUDIT_SHOWN).itertuples():
        obj = f"{r.object_type or ''} {r.object_id or ''}".strip()
        t.add_row(f"{r.logged_at:%Y-%m-%d %H:%M:%S}", escape(str(r.actor)), escape(str(r.role or "")),
                  escape(r.action_label), escape(obj), escape(str(r.detail or "")))
    console.print(t)
    if len(df) > AUDIT_SHOWN:
        console.print(f"the latest {AUDIT_SHOWN} of {len(df):,} entries (use --out FILE.csv for all)", highlight=False)


@app.command("serve")
def serve_cmd(
    folder: Optional[Path] = typer.Option(None, "--folder", help="The PostgreSQL cluster's folder (default data/pg; "
                                                                   "kept between runs)."),
    port: int = typer.Option(55432, "--port", help="PostgreSQL's port on 127.0.0.1."),
    reports: int = typer.Option(200_000, "--reports", help="Demo reports made the first time."),
    dashboards: int = typer.Option(2, "--dashboards", min=1, max=8, help="Dashboard processes (ports 8501, 8502 ...)."),
    first_port: int = typer.Option(8501, "--first-port", min=1024, max=65000,
                                   help="The first dashboard's port; the others and the public form follow it."),
) -> None:
    """Try the multi-user layout on this machine: a PostgreSQL cluster of the project's own, two dashboard
    processes on it and the public form as its own app with the intake role (docs/deploy.md). Ctrl+C stops all."""
    from .pg.cluster import ClusterError
    from .pg.serve import serve

    try:
        code = serve(folder, port=port, reports=reports, dashboards=dashboards, first_port=first_port,
                     say=lambda m: console.print(m, highlight=False, soft_wrap=True))
    except (InputError, ClusterError) as exc:
        _fail(InputError(str(exc)))
    raise typer.Exit(code)


@app.command("pg-password")
def pg_password_cmd(role: str = typer.Argument(..., help="A login role of the PostgreSQL store, e.g. ntswatch_public.")) -> None:
    """Print the password of one of the store's login roles (derived from the role key, docs/deploy.md): what a
    public-form host needs in PGPASSWORD or its pgpass file, and nothing more."""
    from .pg import roles

    try:
        if not (role in (roles.APP, roles.PUBLIC, roles.SCOPE_ALL)
                or re.fullmatch(r"ntswatch_scope_(p\d{2}|d\d{4})", role)):
            raise InputError(f"{role!r} is not a login role of the store; allowed: {roles.PUBLIC}, {roles.APP}, "
                             f"{roles.SCOPE_ALL}, ntswatch_scope_p<province>, ntswatch_scope_d<district>")
        typer.echo(roles.password(role))
    except InputError as exc:
        _fail(exc)
