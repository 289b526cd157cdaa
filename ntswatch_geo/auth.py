"""Sign-in and roles: the users file, password checks with lockout, demo accounts, OIDC mapping.

Who may see what is decided by the viewer's `Scope` (ntswatch_geo.scope); this module only answers "who is this"
and turns the answer into a Scope. Roles:

| role             | sees                                                                          |
|------------------|-------------------------------------------------------------------------------|
| analyst          | all districts, no reporter contact details                                    |
| governor         | own province (2-digit DOPA code)                                              |
| district_officer | own district (4-digit DOPA code); contact details of its own reporters        |
| planner          | all districts, aggregates                                                     |
| admin            | everything                                                                    |

The users file
--------------
TOML at `$NTSWATCH_USERS` (default data/users.toml under the project root; a relative $NTSWATCH_USERS is
relative to where the command runs, like the other settings). data/ is git-ignored. One `[[users]]` table
per user; keys that do not apply are left out (TOML has no null)::

    version = 1

    [[users]]
    username = "demo-officer"              # 3-32 of a-z 0-9 . _ -
    display_name = "Demo district officer"
    role = "district_officer"
    province_code = "27"                   # governor: required; district_officer: first 2 digits of the district
    district_code = "2706"                 # district_officer only
    password_hash = "$2b$12$..."           # bcrypt; absent for accounts that only sign in through OIDC
    email = "officer@example.org"          # optional; how an OIDC identity finds its entry
    oidc_subject = "..."                   # optional; the identity provider's `sub`, matched before email
    totp_secret = "..."                    # optional (`ntswatch users totp`): two-step sign-in
    totp_last_step = 59123456              # the last accepted code's time step (a code works once)
    created_at = "2026-11-02T09:15:00+00:00"
    changed_at = "2026-11-03T10:00:00+00:00"   # last password or two-step change

Writes go to a temporary file in the same folder, then `os.replace`, so a reader never sees half a file;
the file is chmod 600. Readers re-read the file on every call, so `ntswatch users add` takes effect in a
running app without a restart.

Password sign-in (the embedded default)
---------------------------------------
`LoginGuard.attempt` checks a username and password (and, for accounts with two-step sign-in, then
`attempt_code` the 6-digit code) against the lock-out counters in the database (ntswatch_geo/lockout.py:
per username and client address, per client, per username), so neither a restart nor a second tab resets
them. Unknown usernames are counted and locked the same way and cost the same bcrypt time, so neither the
answer nor its timing tells whether an account exists. Every sign-in, failure and refusal is in the audit
trail. A successful sign-in starts a server-side session (ntswatch_geo/sessions.py) named by a signed cookie.

Passwords follow ntswatch_geo/passwords.py (at least 12 characters, zxcvbn score >= 3, not the username).

Switching to OpenID Connect for a real deployment
-------------------------------------------------
Streamlit (>= 1.42, with `Authlib>=1.3.2`: `pip install Authlib`) signs users in with any OpenID Connect
provider (Google, Microsoft Entra, Okta, Keycloak, ...) through `st.login()` / `st.logout()` / `st.user`.

1. Register the app with the provider; its callback URL is the app's address + `/oauth2callback`.
2. Put the provider into `.streamlit/secrets.toml` (git-ignored)::

       [auth]
       redirect_uri = "https://ntswatch.example.go.th/oauth2callback"
       cookie_secret = "<long random string, e.g. python -c 'import secrets; print(secrets.token_hex(32))'>"
       client_id = "<from the provider>"
       client_secret = "<from the provider>"
       server_metadata_url = "https://<provider>/.well-known/openid-configuration"

3. Add each person to the users file without a password, with the address the provider reports::

       ntswatch users add somchai.k --role governor --province 27 --email somchai.k@dopa.go.th --no-password

4. In app.py, instead of the password form::

       if not st.user.is_logged_in:
           st.button("Sign in", on_click=st.login)
           st.stop()
       user = auth.user_for_oidc(store, st.user.get("email"), subject=st.user.get("sub"))
       if user is None or st.user.get("email_verified") is False:
           st.error("This account has no role in NTS-Mekong Watch; ask an administrator."); st.stop()
       scope = user.scope()

The provider proves who the person is; the users file alone decides the role and the scope. Only trust the
email of providers that verify addresses (or map by `oidc_subject`). Do not set NTSWATCH_DEMO_AUTOLOGIN there.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import tempfile
import threading
import tomllib
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

import bcrypt
import tomli_w

from . import lockout, passwords, totp
from .config import home
from .errors import InputError
from .scope import Scope

DEFAULT_USERS = "data/users.toml"
USER_ROLES = ("analyst", "governor", "district_officer", "planner", "admin")
USERNAME_RE = re.compile(r"[a-z0-9._-]{3,32}")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MIN_PASSWORD = passwords.MIN_LENGTH
MAX_PASSWORD_BYTES = passwords.MAX_BYTES
BCRYPT_ROUNDS = 12       # cost factor of new hashes (tests lower it)

MESSAGES = {
    "ok": "Signed in.",
    "invalid": "Wrong username or password.",
    "locked": "Too many failed sign-ins. Try again in {retry_after_s} s.",
    "code_needed": "Enter the 6-digit code from your authenticator app.",
    "code_invalid": "The code is not correct or was used already.",
}
_FILE_LOCK = threading.Lock()   # one writer of the users file at a time in this process


def users_path() -> Path:
    """The users file: $NTSWATCH_USERS (relative to the current folder) or data/users.toml in the project."""
    env = os.environ.get("NTSWATCH_USERS")
    if env:
        return Path(env).expanduser().absolute()
    return home() / DEFAULT_USERS


@dataclass(frozen=True)
class User:
    username: str
    role: str
    display_name: str = ""
    province_code: str | None = None
    district_code: str | None = None
    password_hash: str | None = field(default=None, repr=False)
    email: str | None = None
    oidc_subject: str | None = None
    totp_secret: str | None = field(default=None, repr=False)
    totp_last_step: int | None = None
    created_at: str = ""
    changed_at: str | None = None

    def scope(self) -> Scope:
        return Scope(role=self.role, province_code=self.province_code, district_code=self.district_code,
                     username=self.username)

    @property
    def two_step(self) -> bool:
        return bool(self.totp_secret)

    def public_dict(self) -> dict[str, Any]:
        """Everything but the secrets (password hash, two-step secret and step), for listings."""
        d = asdict(self)
        for k in ("password_hash", "totp_secret", "totp_last_step", "changed_at"):
            del d[k]
        d["two_step"] = self.two_step
        return d


def scope_description(user: User, con=None) -> str:
    """A short English phrase for what the user may see; names from the database when `con` is given."""
    def name(table: str, code: str) -> str:
        if con is None:
            return ""
        row = con.execute(f"SELECT name_en FROM {table} WHERE code = ?", [code]).fetchone()
        return f"{row[0]} " if row else ""

    if user.role == "governor":
        return f"{name('provinces', user.province_code)}province {user.province_code}"
    if user.role == "district_officer":
        return (f"{name('districts', user.district_code)}district {user.district_code}, "
                "with its reporters' contact details")
    return {"analyst": "all districts, no reporter contact details",
            "planner": "all districts, aggregates",
            "admin": "everything"}.get(user.role, user.role)


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(BCRYPT_ROUNDS)).decode("ascii")


def _normalise(username: str) -> str:
    return (username or "").strip().lower()


def _stamp() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


class UserStore:
    """The users file. Every call reads it afresh; writes are atomic and leave it mode 600."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else users_path()
        self._write_lock = _FILE_LOCK

    # -- reading -----------------------------------------------------------------------------------------
    def _load(self) -> list[User]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{self.path}: not valid TOML ({exc})") from None
        users = []
        known = set(User.__dataclass_fields__)
        for i, entry in enumerate(data.get("users", []), start=1):
            if not isinstance(entry, dict) or not entry.get("username") or entry.get("role") not in USER_ROLES:
                raise InputError(f"{self.path}: user entry {i} needs a username and a role "
                                 f"({', '.join(USER_ROLES)})")
            fields = {k: (str(v) if k.endswith("_code") else v) for k, v in entry.items() if k in known}
            if fields["role"] == "district_officer" and fields.get("district_code"):
                fields.setdefault("province_code", fields["district_code"][:2])
            need = {"governor": "province_code", "district_officer": "district_code"}.get(fields["role"])
            if need and not fields.get(need):
                # a governor without a province would otherwise see the whole country
                raise InputError(f"{self.path}: user {fields['username']!r} ({fields['role']}) has no {need}")
            users.append(User(**fields))
        return users

    def list(self) -> list[User]:
        return sorted(self._load(), key=lambda u: u.username)

    def get(self, username: str) -> User | None:
        key = _normalise(username)
        return next((u for u in self._load() if u.username == key), None)

    # -- writing -----------------------------------------------------------------------------------------
    def _save(self, users: list[User]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        doc = {"version": 1,
               "users": [{k: v for k, v in asdict(u).items() if v is not None} for u in users]}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                os.fchmod(f.fileno(), 0o600)
                tomli_w.dump(doc, f)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        os.chmod(self.path, 0o600)

    def validate(self, username: str, role: str, province_code: str | None = None,
                 district_code: str | None = None, email: str | None = None, con=None) -> dict[str, Any]:
        """Check a new user's fields (everything but the password); returns them normalised.

        Raises InputError naming the field and what is allowed. With a DuckDB connection `con`, the province
        or district code must exist in the database.
        """
        username = (username or "").strip()
        if not USERNAME_RE.fullmatch(username):
            raise InputError(f"username {username!r}: use 3-32 characters of lowercase letters, digits, "
                             "'.', '_' and '-'")
        if role not in USER_ROLES:
            raise InputError(f"role {role!r} is unknown; allowed: {', '.join(USER_ROLES)}")
        province_code = (province_code or "").strip() or None
        district_code = (district_code or "").strip() or None
        if role == "governor":
            if not province_code or not re.fullmatch(r"\d{2}", province_code):
                raise InputError(f"a governor needs --province with a 2-digit DOPA province code, e.g. 27 "
                                 f"(got {province_code!r})")
            if district_code:
                raise InputError("a governor sees a whole province; leave out --district")
        elif role == "district_officer":
            if not district_code or not re.fullmatch(r"\d{4}", district_code):
                raise InputError(f"a district officer needs --district with a 4-digit DOPA district code, "
                                 f"e.g. 2706 (got {district_code!r})")
            if province_code and province_code != district_code[:2]:
                raise InputError(f"district {district_code} is in province {district_code[:2]}, "
                                 f"not {province_code}; leave out --province")
            province_code = district_code[:2]
        elif province_code or district_code:
            raise InputError(f"role {role} sees all districts; --province and --district are only for "
                             "governor and district_officer")
        if con is not None:
            if role == "governor" and con.execute("SELECT 1 FROM provinces WHERE code = ?",
                                                  [province_code]).fetchone() is None:
                raise InputError(f"province {province_code} is not in the database")
            if role == "district_officer" and con.execute("SELECT 1 FROM districts WHERE code = ?",
                                                          [district_code]).fetchone() is None:
                raise InputError(f"district {district_code} is not in the database")
        if email is not None:
            email = email.strip().lower()
            if not EMAIL_RE.fullmatch(email):
                raise InputError(f"email {email!r} is not an email address")
        existing = self._load()
        if any(u.username == username for u in existing):
            raise InputError(f"user {username!r} already exists; remove it first to change it")
        if email and any(u.email == email for u in existing):
            raise InputError(f"email {email!r} already belongs to another user")
        return {"username": username, "role": role, "province_code": province_code,
                "district_code": district_code, "email": email}

    def add(self, username: str, password: str | None, role: str, display_name: str | None = None,
            province_code: str | None = None, district_code: str | None = None, email: str | None = None,
            con=None) -> User:
        """Add a user. `password=None` makes an account that can only sign in through OIDC (needs `email`)."""
        with self._write_lock:
            fields = self.validate(username, role, province_code, district_code, email, con)
            if password is None:
                if not fields["email"]:
                    raise InputError("an account without a password needs --email (it signs in through OIDC)")
                pw_hash = None
            else:
                passwords.require(password, fields["username"], display_name or "")
                pw_hash = hash_password(password)
            user = User(**fields, display_name=(display_name or "").strip() or fields["username"],
                        password_hash=pw_hash, created_at=_stamp())
            self._save(self._load() + [user])
            return user

    def _change(self, username: str, change: Callable[[User], User]) -> User:
        with self._write_lock:
            users = self._load()
            key = _normalise(username)
            if not any(u.username == key for u in users):
                names = ", ".join(sorted(u.username for u in users)) or "none"
                raise InputError(f"no user {username!r} in {self.path} (users: {names})")
            out = None
            changed = []
            for u in users:
                if u.username == key:
                    u = out = change(u)
                changed.append(u)
            self._save(changed)
            return out

    def set_password(self, username: str, password: str) -> User:
        """Give a user a new password (checked against the policy)."""
        def change(u: User) -> User:
            passwords.require(password, u.username, u.display_name)
            return replace(u, password_hash=hash_password(password), changed_at=_stamp())
        return self._change(username, change)

    def enable_totp(self, username: str) -> tuple[User, str]:
        """Give a user a new two-step secret (replacing any earlier one); returns the user and the secret."""
        secret = totp.new_secret()
        user = self._change(username, lambda u: replace(u, totp_secret=secret, totp_last_step=None,
                                                         changed_at=_stamp()))
        return user, secret

    def use_totp_step(self, username: str, step: int) -> bool:
        """Record an accepted code's time step; False (nothing written) when that step or a later one was
        used already (the same code twice, e.g. from two tabs at once)."""
        used = []

        def change(u: User) -> User:
            if u.totp_last_step is not None and step <= u.totp_last_step:
                used.append(True)
                return u
            return replace(u, totp_last_step=step)
        self._change(username, change)
        return not used

    def require(self, username: str) -> User:
        """The user, or an InputError naming the users there are."""
        return self._require(self._load(), username)

    def _require(self, users: list[User], username: str) -> User:
        key = _normalise(username)
        for u in users:
            if u.username == key:
                return u
        names = ", ".join(sorted(u.username for u in users)) or "none"
        raise InputError(f"no user {username!r} in {self.path} (users: {names})")

    def remove(self, username: str) -> None:
        with self._write_lock:
            users = self._load()
            key = self._require(users, username).username
            self._save([u for u in users if u.username != key])


# -- password sign-in with lockout -----------------------------------------------------------------------

@dataclass(frozen=True)
class LoginResult:
    ok: bool
    user: User | None
    message_key: str           # keys of MESSAGES; never says which of username or password was wrong
    retry_after_s: int = 0

    @property
    def message(self) -> str:
        return MESSAGES[self.message_key].format(retry_after_s=self.retry_after_s)


_dummy_hashes: dict[int, bytes] = {}


def _dummy_hash() -> bytes:
    """A hash of a random password at the current cost, checked for unknown users to spend the same time."""
    if BCRYPT_ROUNDS not in _dummy_hashes:
        _dummy_hashes[BCRYPT_ROUNDS] = bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt(BCRYPT_ROUNDS))
    return _dummy_hashes[BCRYPT_ROUNDS]


def check_password(user: User | None, password: str) -> bool:
    """bcrypt check; an unknown user, an account without password or an over-long password still costs
    one bcrypt check and returns False."""
    pw = (password or "").encode("utf-8")
    too_long = len(pw) > MAX_PASSWORD_BYTES
    pw = pw[:MAX_PASSWORD_BYTES]
    if user is None or not user.password_hash:
        bcrypt.checkpw(pw, _dummy_hash())
        return False
    try:
        ok = bcrypt.checkpw(pw, user.password_hash.encode("ascii"))
    except ValueError:  # a damaged hash in the file
        bcrypt.checkpw(pw, _dummy_hash())
        return False
    return ok and not too_long


def _local_now() -> dt.datetime:
    from .audit import now_local

    return now_local()


class LoginGuard:
    """Password (and two-step code) sign-in against the lock-out counters in the database (thread-safe).

    `con` is a DuckDB connection (a cursor is taken per attempt) or a function returning one. The counters
    are ntswatch_geo/lockout.py's: 5 failures in a row for (username, client) lock that pair for 60 s and
    longer each time; 20 failures from one client lock the client; beyond 50 failures an hour for one username
    each failure locks that name for 30 s. The attempt that reaches a limit already answers 'locked'. A locked
    attempt is refused without a password check, even with the right password, and says how many seconds
    are left. Attempts for one username are checked one at a time in this process, so parallel guesses cannot
    overshoot the limit; different usernames are checked in parallel. A new guard on the same database (a
    restart) sees the same counters. Every outcome is written to the audit trail (sign_in_failed with the
    username as typed, sign_in_locked); the caller records the sign_in itself when it starts the session.
    """

    PRUNE_ABOVE = 1024  # per-username locks kept before idle ones are dropped

    def __init__(self, con, clock: Callable[[], dt.datetime] = _local_now, limits: lockout.Limits | None = None):
        self._cursor = con if callable(con) else con.cursor
        self._clock = clock
        self.limits = limits or lockout.Limits()
        self._lock = threading.Lock()
        self._names: dict[str, list] = {}   # username -> [lock, users]
        _dummy_hash()  # made now, so the first unknown username does not take longer than the others

    def _serial(self, key: str):
        guard = self

        class _Held:
            def __enter__(self):
                with guard._lock:
                    if len(guard._names) > guard.PRUNE_ABOVE:
                        for k in [k for k, v in guard._names.items() if v[1] == 0]:
                            del guard._names[k]
                    self.entry = guard._names.setdefault(key, [threading.Lock(), 0])
                    self.entry[1] += 1
                self.entry[0].acquire()

            def __exit__(self, *exc):
                self.entry[0].release()
                with guard._lock:
                    self.entry[1] -= 1
        return _Held()

    def attempt(self, store: UserStore, username: str, password: str, client: str | None = None,
                now: dt.datetime | None = None) -> LoginResult:
        """Check a username and password from `client` (its address). For an account with two-step sign-in
        a right password answers 'code_needed' (then call `attempt_code`)."""
        return self._attempt(store, username, client, now, lambda user: check_password(user, password), "password")

    def attempt_code(self, store: UserStore, username: str, code: str, client: str | None = None,
                     now: dt.datetime | None = None, totp_now: float | None = None) -> LoginResult:
        """The second step, only after `attempt` answered 'code_needed' for this username in this browser
        session: the code of the account's authenticator, accepted once. A wrong code counts as a failure."""
        def ok(user: User | None) -> bool:
            if user is None or not user.totp_secret:
                return False
            step = totp.accepted_step(user.totp_secret, code, user.totp_last_step, totp_now)
            return step is not None and store.use_totp_step(user.username, step)
        return self._attempt(store, username, client, now, ok, "code", second_step=True)

    def _attempt(self, store, username, client, now, verify, what, second_step=False) -> LoginResult:
        from . import audit
        from .db import transaction

        now = self._clock() if now is None else now
        key = _normalise(username)[:64]
        client = (client or "unknown")[:64]
        typed = (username or "").strip()[:64] or "(empty)"
        con = self._cursor()
        with self._serial(key):
            wait = lockout.locked_for(con, key, client, now)
            if wait:
                audit.record(con, "sign_in_locked", actor=typed, client=client, object_type="user",
                             object_id=key, detail={"retry_after_s": wait, "step": what}, at=now)
                return LoginResult(False, None, "locked", wait)
            user = store.get(key) if USERNAME_RE.fullmatch(key) else None
            if verify(user):
                if user.totp_secret and not second_step:
                    return LoginResult(False, None, "code_needed")
                transaction(con, lambda: lockout.record_success(con, key, client, now), attempts=5)
                return LoginResult(True, user, "ok")

            def fail():
                wait = lockout.record_failure(con, key, client, now, self.limits)
                audit.record(con, "sign_in_failed", actor=typed, client=client, object_type="user",
                             object_id=key, detail={"step": what, **({"locked_s": wait} if wait else {})}, at=now)
                return wait
            wait = transaction(con, fail, attempts=5)
            if wait:
                return LoginResult(False, None, "locked", wait)
            return LoginResult(False, None, "code_invalid" if second_step else "invalid")


# -- demo accounts and OIDC mapping ----------------------------------------------------------------------

DEMO_USERS = (
    # username, role, display name, province, district
    ("demo-analyst", "analyst", "Demo analyst (DOPA)", None, None),
    ("demo-governor", "governor", "Demo governor of Sa Kaeo", "27", None),
    ("demo-officer", "district_officer", "Demo district officer, Aranyaprathet", None, "2706"),
    ("demo-planner", "planner", "Demo planner", None, None),
    ("demo-admin", "admin", "Demo administrator", None, None),
)


def demo_password(username: str = "", display_name: str = "") -> str:
    """A random password (16 URL-safe characters, 96 bits) that meets the policy."""
    while True:
        password = secrets.token_urlsafe(12)
        if passwords.check(password, username, display_name).ok:
            return password


def create_demo_users(store: UserStore, con=None) -> list[tuple[str, str | None, str, str]]:
    """Create the demo accounts that do not exist yet, each with a random password.

    Returns (username, password, role, scope description) for all five; the password is None for accounts
    that already existed (they are left untouched, and their password cannot be shown again).
    """
    out = []
    for username, role, name, province, district in DEMO_USERS:
        user = store.get(username)
        password = None
        if user is None:
            password = demo_password(username, name)
            user = store.add(username, password, role, display_name=name, province_code=province,
                             district_code=district, con=con)
        out.append((username, password, user.role, scope_description(user, con)))
    return out


LOCAL_ADDRESSES = ("127.0.0.1", "localhost", "::1")


def demo_autologin_refusal(store: UserStore, server_address: str | None) -> str | None:
    """Why $NTSWATCH_DEMO_AUTOLOGIN is ignored (one English sentence), or None when it may apply or is unset.

    It applies only to an existing, non-admin account and only when Streamlit listens on this machine alone
    (`server.address` 127.0.0.1, localhost or ::1; Streamlit's default listens on every interface)."""
    name = os.environ.get("NTSWATCH_DEMO_AUTOLOGIN", "").strip()
    if not name:
        return None
    user = store.get(name)
    if user is None:
        return f"NTSWATCH_DEMO_AUTOLOGIN={name!r} is ignored: no such user"
    if user.role == "admin":
        return f"NTSWATCH_DEMO_AUTOLOGIN={name!r} is ignored: never for an admin account"
    if (server_address or "").strip() not in LOCAL_ADDRESSES:
        return (f"NTSWATCH_DEMO_AUTOLOGIN={name!r} is ignored: Streamlit listens on "
                f"{server_address or 'every interface'}, not only on this machine (run it with "
                f"--server.address 127.0.0.1, as `make run` does)")
    return None


def demo_autologin_user(store: UserStore, server_address: str | None = "127.0.0.1") -> User | None:
    """The user named by $NTSWATCH_DEMO_AUTOLOGIN, signed in without a password, or None.

    For the embedded demo only (`make run` sets it to demo-analyst and binds 127.0.0.1 so the dashboard opens
    straight away). Refused (None) for admin accounts and when the server listens beyond this machine
    (`demo_autologin_refusal` says why): anyone who reaches the app would be that user.
    """
    name = os.environ.get("NTSWATCH_DEMO_AUTOLOGIN", "").strip()
    if not name or demo_autologin_refusal(store, server_address):
        return None
    return store.get(name)


def user_for_oidc(store: UserStore, email: str | None, subject: str | None = None) -> User | None:
    """The users-file entry for an identity from the OIDC provider (st.user): by `oidc_subject` when
    `subject` is given and an entry has it, else by email (case-insensitive; entries pinned to another
    subject do not match). None when nobody matches: the person has no role here."""
    users = store.list()
    if subject:
        hit = next((u for u in users if u.oidc_subject and u.oidc_subject == subject), None)
        if hit:
            return hit
    if not email:
        return None
    email = email.strip().lower()
    # an entry pinned to a subject is not reachable by email from another subject
    return next((u for u in users if u.email and u.email.lower() == email
                 and (not u.oidc_subject or u.oidc_subject == subject)), None)
