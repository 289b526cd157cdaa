"""Sessions on the server (cookie, idle and absolute expiry, revocation), the lock-out in the database (restart,
per client, per user), the password policy, two-step codes, and the audit trail of sign-ins and user changes."""
from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
import sys

import pyotp
import pytest
from typer.testing import CliRunner

from ntswatch_geo import auth, lockout, passwords, sessions, totp
from ntswatch_geo.auth import LoginGuard, UserStore
from ntswatch_geo.cli import app
from ntswatch_geo.db import connect
from ntswatch_geo.errors import InputError

PW = "correct horse battery"
T0 = dt.datetime(2026, 11, 2, 9, 0, 0)
KEY = "k" * 40
IDLE = dt.timedelta(minutes=30)
runner = CliRunner()


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch):
    monkeypatch.setattr(auth, "BCRYPT_ROUNDS", 4)


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    path = tmp_path / "ntswatch.duckdb"
    monkeypatch.setenv("NTSWATCH_DB", str(path))
    monkeypatch.setenv("NTSWATCH_SECRET_FILE", str(tmp_path / "secret_key"))
    monkeypatch.delenv("NTSWATCH_SECRET_KEY", raising=False)
    monkeypatch.delenv("NTSWATCH_IDLE_MINUTES", raising=False)
    monkeypatch.delenv("NTSWATCH_SESSION_HOURS", raising=False)
    return path


@pytest.fixture
def con(db_path):
    c = connect(db_path)
    yield c
    c.close()


@pytest.fixture
def store(tmp_path, monkeypatch):
    path = tmp_path / "users.toml"
    monkeypatch.setenv("NTSWATCH_USERS", str(path))
    s = UserStore(path)
    s.add("somchai", PW, "admin", display_name="Somchai K.")
    s.add("malee", PW, "analyst")
    return s


def audit_rows(con, action: str | None = None) -> list[tuple]:
    sql = "SELECT action, actor, client, object_id, detail FROM audit_log"
    rows = con.execute(sql + (" WHERE action = ?" if action else "") + " ORDER BY id",
                       [action] if action else []).fetchall()
    return [(a, who, c, o, json.loads(d) if d else None) for a, who, c, o, d in rows]


# -- sessions ----------------------------------------------------------------------------------------------

def test_a_new_session_is_valid_and_only_the_hash_of_its_token_is_stored(con):
    new = sessions.create(con, "somchai", "10.0.0.5", now=T0, key=KEY)
    check = sessions.check_cookie(con, new.cookie, now=at(5), idle=IDLE, key=KEY)
    assert (check.ok, check.username, check.token_hash) == (True, "somchai", new.token_hash)
    assert check.expires_at == T0 + dt.timedelta(hours=12)
    (stored,) = con.execute("SELECT token_hash FROM sessions").fetchone()
    token = sessions._serializer(KEY).loads(new.cookie)
    assert stored == new.token_hash == sessions.token_hash(token) and token not in stored
    assert token not in json.dumps(con.execute("SELECT * FROM sessions").fetchall(), default=str)


def test_a_session_ends_after_the_idle_timeout_once_with_an_audit_entry(con):
    new = sessions.create(con, "somchai", now=T0, key=KEY)
    assert sessions.check(con, new.token_hash, now=at(29 * 60), idle=IDLE).ok        # active: touched
    assert sessions.check(con, new.token_hash, now=at(58 * 60), idle=IDLE).ok        # 29 min after that
    late = sessions.check(con, new.token_hash, now=at(58 * 60 + 30 * 60 + 1), idle=IDLE)
    assert (late.ok, late.reason, late.username) == (False, "idle", None)
    assert sessions.check(con, new.token_hash, now=at(90 * 60), idle=IDLE).reason == "revoked"
    assert [(a, who, d["reason"]) for a, who, _, _, d in audit_rows(con, "session_expired")] == [
        ("session_expired", "somchai", "idle")]


def test_last_seen_is_written_at_most_every_30_seconds(con):
    new = sessions.create(con, "somchai", now=T0, key=KEY)
    seen = lambda: con.execute("SELECT last_seen_at FROM sessions").fetchone()[0]  # noqa: E731
    sessions.check(con, new.token_hash, now=at(10), idle=IDLE)
    assert seen() == T0
    sessions.check(con, new.token_hash, now=at(31), idle=IDLE)
    assert seen() == at(31)


def test_the_absolute_lifetime_ends_even_an_active_session(con, monkeypatch):
    monkeypatch.setenv("NTSWATCH_SESSION_HOURS", "1")
    new = sessions.create(con, "somchai", now=T0, key=KEY)
    for minute in range(10, 60, 10):
        assert sessions.check(con, new.token_hash, now=at(minute * 60), idle=IDLE).ok
    assert sessions.check(con, new.token_hash, now=at(3600), idle=IDLE).reason == "expired"


def test_sign_out_ends_one_session_and_sign_out_everywhere_ends_all_of_the_user(con):
    a = sessions.start(con, "somchai", "admin", "10.0.0.5", now=T0, key=KEY)
    b = sessions.start(con, "somchai", "admin", "10.0.0.6", now=T0, key=KEY)
    c = sessions.start(con, "somchai", "admin", "10.0.0.7", now=T0, key=KEY)
    other = sessions.start(con, "malee", "analyst", now=T0, key=KEY)
    sessions.end(con, a.token_hash, "somchai", "admin", "10.0.0.5", now=at(60))
    assert sessions.check(con, a.token_hash, now=at(61), idle=IDLE).reason == "revoked"
    assert sessions.check(con, b.token_hash, now=at(61), idle=IDLE).ok
    assert sessions.end_everywhere(con, "somchai", "admin", "10.0.0.6", now=at(120)) == 2
    assert [sessions.check(con, s.token_hash, now=at(121), idle=IDLE).reason for s in (b, c, other)] == [
        "revoked", "revoked", "ok"]
    assert sessions.open_sessions(con, "somchai", now=at(121)) == 0
    assert [(r[0], r[1]) for r in audit_rows(con)] == [
        ("sign_in", "somchai"), ("sign_in", "somchai"), ("sign_in", "somchai"), ("sign_in", "malee"),
        ("sign_out", "somchai"), ("sign_out_everywhere", "somchai")]
    assert audit_rows(con, "sign_out_everywhere")[0][4] == {"sessions": 2}


def test_a_tampered_forged_or_foreign_cookie_is_refused(con):
    new = sessions.create(con, "somchai", now=T0, key=KEY)
    flipped = new.cookie[:-3] + ("A" if new.cookie[-3] != "A" else "B") + new.cookie[-2:]
    token = sessions._serializer(KEY).loads(new.cookie)
    other_key = sessions._serializer("x" * 40).dumps(token)            # the right token, another server's key
    unsigned = token                                                    # the bare token, no signature
    made_up = sessions._serializer(KEY).dumps("A" * 43)                 # signed with our key, but no session
    for cookie in (flipped, other_key, unsigned, made_up, "", None, "a" * 5000, new.cookie + "x"):
        check = sessions.check_cookie(con, cookie, now=at(1), idle=IDLE, key=KEY)
        assert not check.ok and check.username is None, cookie
    assert sessions.check_cookie(con, new.cookie, now=at(1), idle=IDLE, key=KEY).ok


def test_the_secret_key_file_is_made_owner_only_once_and_the_env_variable_wins(db_path, monkeypatch):
    path = db_path.parent / "secret_key"
    first = sessions.secret_key()
    assert len(first) == 64 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sessions.secret_key() == first
    monkeypatch.setenv("NTSWATCH_SECRET_KEY", "e" * 40)
    assert sessions.secret_key() == "e" * 40
    monkeypatch.setenv("NTSWATCH_SECRET_KEY", "short")
    with pytest.raises(InputError, match="NTSWATCH_SECRET_KEY: use at least 32 characters"):
        sessions.secret_key()


def test_idle_minutes_take_fractions_and_bad_values_name_the_setting(monkeypatch):
    monkeypatch.setenv("NTSWATCH_IDLE_MINUTES", "0.05")
    assert sessions.idle_timeout() == dt.timedelta(seconds=3)
    monkeypatch.delenv("NTSWATCH_IDLE_MINUTES")
    assert sessions.idle_timeout() == dt.timedelta(minutes=30)
    for bad in ("abc", "0", "-5", "nan"):
        monkeypatch.setenv("NTSWATCH_IDLE_MINUTES", bad)
        with pytest.raises(InputError, match=f"NTSWATCH_IDLE_MINUTES='{bad}': use a number of minutes"):
            sessions.idle_timeout()


def test_the_cookie_scripts_set_a_strict_cookie_and_refuse_anything_but_a_token():
    script = sessions.set_cookie_script("abc.DEF-12_x", 3600)
    assert "ntswatch_session=abc.DEF-12_x; Path=/; Max-Age=3600; SameSite=Strict" in script
    assert "location.protocol==='https:'?'; Secure'" in script
    assert "Max-Age=0" in sessions.clear_cookie_script("abc.DEF")
    for bad in ("a'b", "a;b", "</script>", "a b"):
        with pytest.raises(ValueError):
            sessions.set_cookie_script(bad, 10)


# -- lock-out in the database ------------------------------------------------------------------------------

def test_the_lock_out_survives_a_restart(store, db_path):
    con = connect(db_path)
    guard = LoginGuard(con)
    keys = [guard.attempt(store, "somchai", "wrong password!", "10.0.0.9", now=at(i)).message_key
            for i in range(5)]
    assert keys == ["invalid"] * 4 + ["locked"]
    con.close()
    con = connect(db_path)                           # a new process: new connection, new guard
    try:
        res = LoginGuard(con).attempt(store, "somchai", PW, "10.0.0.9", now=at(30))
        assert (res.ok, res.message_key, res.retry_after_s) == (False, "locked", 34)
        assert LoginGuard(con).attempt(store, "somchai", PW, "10.0.0.9", now=at(65)).ok
    finally:
        con.close()


def test_a_guesser_at_one_address_does_not_lock_the_real_user_out_at_another(store, con):
    guard = LoginGuard(con)
    for i in range(12):
        guard.attempt(store, "somchai", f"guess number {i}", "203.0.113.7", now=at(i))
    assert guard.attempt(store, "somchai", PW, "203.0.113.7", now=at(13)).message_key == "locked"
    assert guard.attempt(store, "somchai", PW, "10.1.2.3", now=at(14)).ok          # the admin's own office


def test_the_pair_lock_doubles_each_time_and_a_success_resets_it(store, con):
    guard = LoginGuard(con)
    waits = []
    t = 0
    for _ in range(3):
        for _ in range(5):
            res = guard.attempt(store, "malee", "wrong password!", "10.0.0.9", now=at(t))
        waits.append(res.retry_after_s)
        t += res.retry_after_s
    assert waits == [60, 120, 240]
    assert guard.attempt(store, "malee", PW, "10.0.0.9", now=at(t)).ok
    keys = [guard.attempt(store, "malee", "wrong password!", "10.0.0.9", now=at(t + 1 + i)).message_key
            for i in range(4)]
    assert keys == ["invalid"] * 4                    # the pair starts again from zero
    res = guard.attempt(store, "malee", "wrong password!", "10.0.0.9", now=at(t + 5))
    assert res.retry_after_s == 300                   # but that is the address's 20th failure this hour


def test_twenty_failures_from_one_address_lock_it_for_every_username(store, con):
    guard = LoginGuard(con)
    for i in range(20):   # 20 names, so no (name, address) pair reaches 5
        res = guard.attempt(store, f"user{i:02d}", "whatever-it-is", "198.51.100.4", now=at(i))
    assert (res.message_key, res.retry_after_s) == ("locked", 300)
    assert guard.attempt(store, "malee", PW, "198.51.100.4", now=at(30)).message_key == "locked"
    assert guard.attempt(store, "malee", PW, "10.0.0.1", now=at(31)).ok
    assert guard.attempt(store, "malee", PW, "198.51.100.4", now=at(19 + 300)).ok


def test_guessing_one_name_from_many_addresses_is_slowed_to_one_guess_per_30_seconds(store, con):
    guard = LoginGuard(con)
    for i in range(50):       # 50 addresses, one guess each: no pair or client lock
        assert guard.attempt(store, "somchai", "guess", f"192.0.2.{i}", now=at(i)).message_key == "invalid"
    res = guard.attempt(store, "somchai", "guess", "192.0.2.200", now=at(50))
    assert (res.message_key, res.retry_after_s) == ("locked", 30)
    assert guard.attempt(store, "somchai", "guess", "192.0.2.201", now=at(60)).message_key == "locked"
    assert guard.attempt(store, "somchai", PW, "10.1.2.3", now=at(70)).message_key == "locked"
    assert guard.attempt(store, "somchai", PW, "10.1.2.3", now=at(81)).ok
    assert guard.attempt(store, "malee", PW, "192.0.2.7", now=at(82)).ok           # other names go on


def test_every_sign_in_outcome_is_in_the_audit_trail_with_the_name_as_typed(store, con):
    guard = LoginGuard(con)
    guard.attempt(store, "  SomChai' OR 1=1 ", "wrong password!", "10.0.0.9", now=at(0))
    for i in range(5):
        guard.attempt(store, "malee", "wrong password!", "10.0.0.9", now=at(1 + i))
    guard.attempt(store, "malee", PW, "10.0.0.9", now=at(10))
    rows = audit_rows(con)
    assert rows[0][:3] == ("sign_in_failed", "SomChai' OR 1=1", "10.0.0.9")
    assert [r[0] for r in rows[1:]] == ["sign_in_failed"] * 5 + ["sign_in_locked"]
    assert rows[5][4] == {"step": "password", "locked_s": 60}
    assert rows[6][4]["retry_after_s"] == 55


def test_the_client_is_the_forwarded_address_only_behind_a_trusted_proxy():
    assert lockout.client_address(None) == "127.0.0.1"
    assert lockout.client_address("203.0.113.7", "1.2.3.4") == "203.0.113.7"       # not a proxy: ignored
    trusted = ["10.0.0.2"]
    assert lockout.client_address("10.0.0.2", "6.6.6.6, 203.0.113.7", trusted) == "203.0.113.7"
    assert lockout.client_address("10.0.0.2", "203.0.113.7, 10.0.0.2", trusted) == "203.0.113.7"
    assert lockout.client_address("10.0.0.2", None, trusted) == "10.0.0.2"


# -- the password policy -----------------------------------------------------------------------------------

@pytest.mark.parametrize("password, problems", [
    ("aaaaaaaaaa", ("too_short", "weak")),
    ("aaaaaaaaaaaaaaaa", ("weak",)),
    ("password1234", ("weak",)),
    ("somchai.k2026", ("weak",)),            # the username and a year
    ("somchai.k", ("too_short", "is_username", "weak")),
    ("ก" * 25, ("too_long", "weak")),
    ("correct horse battery", ()),
    ("ตลาดนัดริมโขง-47-หนองคาย", ()),
])
def test_the_password_policy_names_what_is_wrong(password, problems):
    verdict = passwords.check(password, "somchai.k", "Somchai Kaewmanee")
    assert verdict.problems == problems, (verdict.score, verdict.feedback)


def test_the_policy_message_is_in_thai_and_english_with_zxcvbn_advice():
    verdict = passwords.check("aaaaaaaaaa", "somchai")
    en, th = verdict.message("en"), verdict.message("th")
    assert en.startswith("It is shorter than 12 characters. It is too easy to guess (strength 0 of 4; 3 needed).")
    assert "Allowed: at least 12 characters" in en and 'Repeats like "aaa" are easy to guess.' in en
    assert th.startswith("รหัสผ่านสั้นกว่า 12 ตัวอักษร") and "ที่ใช้ได้: อย่างน้อย 12 ตัวอักษร" in th
    with pytest.raises(InputError, match="^password: It is shorter than 12"):
        passwords.require("aaaaaaaaaa", "somchai")


def test_aaaaaaaaaa_is_refused_as_an_admin_password_and_by_a_password_change(store):
    with pytest.raises(InputError, match="too easy to guess"):
        store.add("root2", "aaaaaaaaaa", "admin")
    with pytest.raises(InputError, match="too easy to guess"):
        store.set_password("somchai", "aaaaaaaaaaaa")
    assert store.get("root2") is None


def test_demo_passwords_are_random_and_meet_the_policy():
    made = {auth.demo_password("demo-admin", "Demo administrator") for _ in range(20)}
    assert len(made) == 20 and all(passwords.check(p, "demo-admin").ok for p in made)


# -- two-step codes ----------------------------------------------------------------------------------------

def test_two_step_sign_in_asks_for_the_code_and_takes_each_code_once(store, con):
    user, secret = store.enable_totp("somchai")
    assert user.two_step and "totp_secret" not in user.public_dict() and secret not in repr(user)
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600 and secret in store.path.read_text()
    guard = LoginGuard(con)
    assert guard.attempt(store, "somchai", PW, "10.0.0.5", now=at(0)).message_key == "code_needed"
    code = pyotp.TOTP(secret).now()
    assert guard.attempt_code(store, "somchai", code, "10.0.0.5", now=at(1)).ok
    again = guard.attempt_code(store, "somchai", code, "10.0.0.5", now=at(2))
    assert (again.ok, again.message_key) == (False, "code_invalid")
    assert store.get("somchai").totp_last_step == pyotp.TOTP(secret).timecode(dt.datetime.now())


def test_a_code_one_step_off_is_accepted_and_older_ones_are_not(store):
    _, secret = store.enable_totp("somchai")
    otp, now = pyotp.TOTP(secret), 1_800_000_000
    step = otp.timecode(now)
    assert totp.accepted_step(secret, otp.at(now - 30), None, now) == step - 1
    assert totp.accepted_step(secret, otp.at(now + 30), None, now) == step + 1
    assert totp.accepted_step(secret, otp.at(now - 60), None, now) is None
    assert totp.accepted_step(secret, otp.at(now), step, now) is None             # that step was used
    assert totp.accepted_step(secret, "12345", None, now) is None


def test_wrong_codes_count_as_failures_and_lock(store, con):
    _, secret = store.enable_totp("somchai")
    guard = LoginGuard(con)
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 1) % 1_000_000:06d}"
    keys = [guard.attempt_code(store, "somchai", wrong, "10.0.0.5", now=at(i)).message_key for i in range(5)]
    assert keys == ["code_invalid"] * 4 + ["locked"]
    assert guard.attempt_code(store, "somchai", pyotp.TOTP(secret).now(), "10.0.0.5", now=at(6)).message_key \
        == "locked"
    assert [d["step"] for *_, d in audit_rows(con, "sign_in_failed")] == ["code"] * 5


# -- `ntswatch users`: every change recorded, none while the database is in use --------------------------

def invoke(*args, input=None):
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)


def test_user_changes_from_the_cli_are_in_the_audit_trail(store, db_path):
    assert invoke("users", "add", "gov27", "--role", "governor", "--province", "27", "--password-stdin",
                  input=PW + "\n").exit_code == 0
    new_pw = "another long passphrase 7"
    res = invoke("users", "password", "gov27", "--password-stdin", input=new_pw + "\n")
    assert res.exit_code == 0 and "new password for gov27" in " ".join(res.output.split()), res.output
    res = invoke("users", "totp", "somchai")
    assert res.exit_code == 0, res.output
    secret = store.get("somchai").totp_secret
    assert f"secret: {secret}" in res.output and "otpauth://totp/" in res.output and "issuer=NTS-Mekong" in res.output
    assert invoke("users", "remove", "gov27").exit_code == 0
    con = connect(db_path)
    try:
        rows = audit_rows(con)
    finally:
        con.close()
    assert [(a, o) for a, _, _, o, _ in rows] == [("user_add", "gov27"), ("user_change", "gov27"),
                                                 ("totp_enabled", "somchai"), ("user_remove", "gov27")]
    assert all(who.startswith("cli:") for _, who, *_ in rows)
    assert rows[0][4] == {"role": "governor", "province": "27", "password": True}
    assert rows[1][4] == {"changed": "password", "sessions_ended": 0}
    assert secret not in json.dumps(rows)


def test_a_password_change_ends_the_users_sessions(store, db_path):
    con = connect(db_path)
    s = sessions.start(con, "malee", "analyst")
    con.close()
    res = invoke("users", "password", "malee", "--password-stdin", input="brand new passphrase 19\n")
    assert res.exit_code == 0 and "1 open session(s) ended" in " ".join(res.output.split())
    con = connect(db_path)
    try:
        assert sessions.check(con, s.token_hash).reason == "revoked"
    finally:
        con.close()


def test_the_cli_refuses_a_weak_new_password_with_one_line(store, db_path):
    res = invoke("users", "password", "malee", "--password-stdin", input="aaaaaaaaaa\n")
    lines = [l for l in res.output.splitlines() if l.strip()]
    assert res.exit_code == 2 and len(lines) == 1 and "too easy to guess" in lines[0]


def test_no_user_change_while_the_dashboard_holds_the_database(store, db_path):
    connect(db_path).close()
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
                               "print('ready', flush=True); sys.stdin.read()", str(db_path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        before = store.path.read_bytes()
        for args, stdin in ((("add", "newbie", "--role", "analyst", "--password-stdin"), PW + "\n"),
                            (("remove", "malee"), None), (("totp", "somchai"), None),
                            (("password", "malee", "--password-stdin"), "brand new passphrase 19\n")):
            res = invoke("users", *args, input=stdin)
            lines = [l for l in res.output.splitlines() if l.strip()]
            assert res.exit_code == 2 and len(lines) == 1 and "the database is in use" in lines[0], res.output
        assert store.path.read_bytes() == before
    finally:
        holder.stdin.close()
        holder.wait(timeout=20)
    assert os.path.exists(db_path)


# -- the sign-in page (AppTest) ----------------------------------------------------------------------------

@pytest.fixture
def app_env(geo_db, tmp_path, monkeypatch):
    path = tmp_path / "app-users.toml"
    s = UserStore(path)
    s.add("root", PW, "admin")
    monkeypatch.setenv("NTSWATCH_DB", str(geo_db))
    monkeypatch.setenv("NTSWATCH_USERS", str(path))
    monkeypatch.setenv("NTSWATCH_SECRET_FILE", str(tmp_path / "secret_key"))
    monkeypatch.delenv("NTSWATCH_DEMO_AUTOLOGIN", raising=False)
    return s, geo_db


def _login_page():
    from streamlit.testing.v1 import AppTest

    from ntswatch_geo.config import PROJECT_ROOT

    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60).run()
    return at.switch_page("app_pages/login.py").run()


def _click(at, label):
    return next(b for b in at.button if b.label == label).click().run()


def test_an_admin_with_two_step_sign_in_gives_the_code_in_a_second_step(app_env):
    store, db = app_env
    _, secret = store.enable_totp("root")
    at = _login_page()
    at.text_input(key="login_username").input("root")
    at.text_input(key="login_password").input(PW)
    at = _click(at, "เข้าสู่ระบบ")
    assert "auth_user" not in at.session_state and at.text_input(key="login_code")
    at.text_input(key="login_code").input("000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    at = _click(at, "ยืนยัน")
    assert [e.value for e in at.error] == ["เข้าสู่ระบบไม่สำเร็จ: รหัสไม่ถูกต้องหรือถูกใช้ไปแล้ว กรุณารอรหัสชุดถัดไป"]
    at.text_input(key="login_code").input(pyotp.TOTP(secret).now())
    at = _click(at, "ยืนยัน")
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["auth_user"] == "root" and at.session_state["auth_session"]
    con = connect(db)  # the app's connection is in this process: same database instance
    try:
        assert [r[0] for r in audit_rows(con)] == ["sign_in_failed", "sign_in"]
        assert sessions.open_sessions(con, "root") == 1
    finally:
        con.close()


def test_a_removed_user_is_signed_out_on_the_next_run_and_the_session_revoked(app_env):
    store, db = app_env
    at = _login_page()
    at.text_input(key="login_username").input("root")
    at.text_input(key="login_password").input(PW)
    at = _click(at, "เข้าสู่ระบบ")
    th = at.session_state["auth_session"]
    store.remove("root")
    at = at.run()
    assert "auth_user" not in at.session_state
    con = connect(db)
    try:
        assert sessions.check(con, th).reason == "revoked"
    finally:
        con.close()


def test_a_bad_idle_setting_is_one_clear_message_not_a_traceback(app_env, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from ntswatch_geo.config import PROJECT_ROOT

    store, _ = app_env
    monkeypatch.setenv("NTSWATCH_IDLE_MINUTES", "half an hour")
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    at.session_state["auth_user"] = "root"
    at.session_state["auth_session"] = "0" * 64
    at = at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "NTSWATCH_IDLE_MINUTES='half an hour': use a number of minutes greater than 0, e.g. 30"]
