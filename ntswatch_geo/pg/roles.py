"""Login roles of the PostgreSQL store: one per viewer scope, the public intake's, the dashboard's own.

Row-level security on `reports` (pg/migrations/013) keeps each login role to the rows of its scope, so the scope
of a governor or a district officer holds in the database, not only in the app's queries: a session opened as a
governor's province role sees that province's reports and nothing else, whatever SQL it runs, and it is a member
of no wider role it could switch to (SET ROLE, set_config('role', ...)).

| login role                 | scope / use                                               |
|----------------------------|-----------------------------------------------------------|
| ntswatch_scope_all         | analysts, planners, admins: every report                  |
| ntswatch_scope_p<code>     | a governor: the province's reports (one per province)     |
| ntswatch_scope_d<code>     | a district officer: the district's reports (one each)     |
| ntswatch_app               | the dashboard before sign-in (sessions, lock-out): no report |
| ntswatch_public            | the public form (group ntswatch_intake): adds reports, reads none |

Passwords: each is an HMAC of the role name under the role key (NTSWATCH_PG_ROLE_KEY, else the file
NTSWATCH_PG_ROLE_KEY_FILE, default data/pg_role_key, made owner-only by `ntswatch init`), so the dashboard
needs one secret, not a thousand, and the key is never in the database or the repository. A public form on
another host gets only ntswatch_public's password (`ntswatch pg-password ntswatch_public`), never the key.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from ..config import home
from ..errors import InputError
from ..files import env_or_key_file

SCOPE_ALL = "ntswatch_scope_all"
APP = "ntswatch_app"
PUBLIC = "ntswatch_public"
DEFAULT_KEY_FILE = "data/pg_role_key"


def key() -> str:
    f = os.environ.get("NTSWATCH_PG_ROLE_KEY_FILE", "").strip()
    return env_or_key_file("NTSWATCH_PG_ROLE_KEY", Path(f).expanduser().absolute() if f else home() / DEFAULT_KEY_FILE)


def password(role: str) -> str:
    digest = hmac.new(key().encode(), f"ntswatch-pg-role:{role}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def scope_role(scope) -> str:
    """The login role of a viewer's scope (ntswatch_geo.scope.Scope); the public has ntswatch_public."""
    if scope is None or scope.role == "public":
        return PUBLIC
    if scope.district_code:
        if not re.fullmatch(r"\d{4}", scope.district_code):
            raise InputError(f"district_code: {scope.district_code!r} is not a 4-digit DOPA code")
        return f"ntswatch_scope_d{scope.district_code}"
    if scope.province_code:
        if not re.fullmatch(r"\d{2}", scope.province_code):
            raise InputError(f"province_code: {scope.province_code!r} is not a 2-digit DOPA code")
        return f"ntswatch_scope_p{scope.province_code}"
    return SCOPE_ALL


def url_as(url: str, role: str) -> str:
    """`url` (the store's) signed in as `role` with its derived password."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    netloc = f"{quote(role, safe='')}:{quote(password(role), safe='')}@{host}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def ensure(url: str) -> int:
    """Create (or re-key) every login role of the store at `url` (the owner's), and record the scopes; returns
    how many login roles there are. Run by `ntswatch init` after the geography is written."""
    from psycopg import sql

    from .schema import pg_connect

    with pg_connect(url, autocommit=True) as con:
        provinces = [r[0] for r in con.execute("SELECT code FROM provinces ORDER BY code").fetchall()]
        districts = con.execute("SELECT code, province_code FROM districts ORDER BY code").fetchall()
        scopes = [(SCOPE_ALL, None, None)] + [(f"ntswatch_scope_p{p}", p, None) for p in provinces] + \
                 [(f"ntswatch_scope_d{d}", p, d) for d, p in districts]
        logins = [(APP, "ntswatch_dashboard"), (PUBLIC, "ntswatch_intake")] + \
                 [(name, "ntswatch_dashboard") for name, _, _ in scopes]
        existing = {r[0] for r in con.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE 'ntswatch%'")}
        with con.transaction():
            for name, group in logins:
                verb = "ALTER" if name in existing else "CREATE"
                con.execute(sql.SQL(verb + " ROLE {} LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE "
                                           "NOBYPASSRLS PASSWORD {}").format(
                    sql.Identifier(name), sql.Literal(password(name))))
                con.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(name)))
            con.execute("DELETE FROM scope_roles")
            with con.cursor().copy("COPY scope_roles (role_name, province_code, district_code) FROM STDIN") as cp:
                for row in scopes:
                    cp.write_row(row)
    return len(logins)
