"""Sign-in and roles: the users file, bcrypt, lockout, validation, demo accounts, OIDC mapping, `ntswatch users`.

(Sessions, the lock-out's persistence and per-client rules, the password policy and two-step codes are in
tests/test_sessions.py.)"""
from __future__ import annotations

import datetime as dt
import json
import stat
import threading

import pytest
from typer.testing import CliRunner

from ntswatch_geo import auth, config
from ntswatch_geo.auth import LoginGuard, UserStore
from ntswatch_geo.cli import app
from ntswatch_geo.errors import InputError
from ntswatch_geo.scope import Scope

runner = CliRunner()
PW = "correct horse battery"
T0 = dt.datetime(2026, 11, 2, 9, 0, 0)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch):
    monkeypatch.setattr(auth, "BCRYPT_ROUNDS", 4)


@pytest.fixture
def users_file(tmp_path, monkeypatch):
    path = tmp_path / "conf" / "users.toml"
    monkeypatch.setenv("NTSWATCH_USERS", str(path))
    monkeypatch.delenv("NTSWATCH_DEMO_AUTOLOGIN", raising=False)
    monkeypatch.setenv("NTSWATCH_DB", str(tmp_path / "no.duckdb"))
    return path


@pytest.fixture
def store(users_file):
    return UserStore()


@pytest.fixture
def con(tmp_path):
    from ntswatch_geo.db import connect

    c = connect(tmp_path / "auth.duckdb")
    yield c
    c.close()


@pytest.fixture
def guard(con):
    return LoginGuard(con)


def invoke(*args, input=None):
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)


# -- users file ------------------------------------------------------------------------------------------

def test_store_defaults_to_the_users_env_var(users_file):
    assert UserStore().path == users_file == auth.users_path()


def test_users_path_defaults_to_data_users_toml_in_the_project(monkeypatch):
    monkeypatch.delenv("NTSWATCH_USERS", raising=False)
    assert auth.users_path() == config.home() / "data" / "users.toml"


def test_password_is_stored_as_a_bcrypt_hash_not_the_password(store, users_file):
    user = store.add("somchai", PW, "analyst")
    text = users_file.read_text()
    assert PW not in text
    assert user.password_hash.startswith("$2b$") and user.password_hash in text
    assert PW not in repr(user)


def test_users_file_is_mode_600_and_leaves_no_temporary_files(store, users_file):
    store.add("somchai", PW, "analyst")
    store.add("malee", PW, "planner")
    store.remove("somchai")
    assert stat.S_IMODE(users_file.stat().st_mode) == 0o600
    assert [p.name for p in users_file.parent.iterdir()] == ["users.toml"]


def test_list_get_and_remove(store):
    store.add("zed.user", PW, "planner", display_name="Zed")
    store.add("abc", PW, "admin")
    assert [u.username for u in store.list()] == ["abc", "zed.user"]
    assert store.get("zed.user").display_name == "Zed" and store.get("abc").display_name == "abc"
    assert store.get("nobody") is None
    store.remove("abc")
    assert [u.username for u in store.list()] == ["zed.user"]
    with pytest.raises(InputError, match="no user 'abc'"):
        store.remove("abc")


def test_a_broken_users_file_is_an_input_error_naming_it(users_file):
    users_file.parent.mkdir(parents=True)
    users_file.write_text("[[users]\n")
    with pytest.raises(InputError, match="users.toml: not valid TOML"):
        UserStore().list()


def test_a_hand_edited_governor_without_province_is_refused_not_given_the_whole_country(users_file):
    users_file.parent.mkdir(parents=True)
    users_file.write_text('[[users]]\nusername = "gov"\nrole = "governor"\n')
    with pytest.raises(InputError, match="'gov' .governor. has no province_code"):
        UserStore().get("gov")


# -- validation ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, message", [
    (dict(username="Somchai"), "username 'Somchai': use 3-32 characters"),
    (dict(username="ab"), "username 'ab'"),
    (dict(username="a" * 33), "use 3-32 characters"),
    (dict(username="som chai"), "lowercase letters, digits"),
    (dict(role="superuser"), "role 'superuser' is unknown; allowed: analyst, governor, district_officer, "
                             "planner, admin"),
    (dict(role="public"), "role 'public' is unknown"),
    (dict(role="governor"), "a governor needs --province with a 2-digit DOPA province code"),
    (dict(role="governor", province_code="270"), "2-digit"),
    (dict(role="governor", province_code="27", district_code="2706"), "leave out --district"),
    (dict(role="district_officer"), "a district officer needs --district with a 4-digit DOPA district code"),
    (dict(role="district_officer", district_code="27"), "4-digit"),
    (dict(role="district_officer", district_code="2706", province_code="23"),
     "district 2706 is in province 27, not 23"),
    (dict(role="analyst", province_code="27"), "only for governor and district_officer"),
    (dict(password="short-pw1"), "password: It is shorter than 12 characters."),
    (dict(password="ก" * 30), "It is longer than 72 bytes"),
    (dict(password="aaaaaaaaaaaa"), "It is too easy to guess"),
    (dict(password=None), "an account without a password needs --email"),
    (dict(email="not-an-email"), "email 'not-an-email' is not an email address"),
])
def test_bad_user_fields_raise_input_errors_naming_the_field(store, kwargs, message):
    args = dict(username="somchai", password=PW, role="analyst") | kwargs
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        store.add(**args)
    assert store.list() == []


def test_duplicate_username_and_email_are_refused(store):
    store.add("somchai", PW, "analyst", email="S@Example.org")
    with pytest.raises(InputError, match="user 'somchai' already exists"):
        store.add("somchai", PW, "planner")
    with pytest.raises(InputError, match="email 's@example.org' already belongs to another user"):
        store.add("other", PW, "planner", email="s@example.org")


def test_codes_are_checked_against_the_database_when_given(store, geo_db):
    from ntswatch_geo.db import connect

    con = connect(geo_db, read_only=True)
    try:
        with pytest.raises(InputError, match="province 99 is not in the database"):
            store.add("gov", PW, "governor", province_code="99", con=con)
        with pytest.raises(InputError, match="district 2799 is not in the database"):
            store.add("off", PW, "district_officer", district_code="2799", con=con)
        assert store.add("gov", PW, "governor", province_code="27", con=con).province_code == "27"
        assert auth.scope_description(store.get("gov"), con) == "Sa Kaeo province 27"
    finally:
        con.close()


# -- sign-in and scopes ----------------------------------------------------------------------------------

def test_right_password_signs_in_with_the_scope_of_each_role(store, guard):
    store.add("ana", PW, "analyst")
    store.add("gov", PW, "governor", province_code="27")
    store.add("off", PW, "district_officer", district_code="2706")
    store.add("plan", PW, "planner")
    store.add("root", PW, "admin")
    expected = {
        "ana": Scope("analyst", username="ana"),
        "gov": Scope("governor", province_code="27", username="gov"),
        "off": Scope("district_officer", province_code="27", district_code="2706", username="off"),
        "plan": Scope("planner", username="plan"),
        "root": Scope("admin", username="root"),
    }
    for name, scope in expected.items():
        res = guard.attempt(store, name, PW, now=at(0))
        assert res.ok and res.message_key == "ok" and res.user.scope() == scope


def test_username_is_matched_case_insensitively_and_trimmed(store, guard):
    store.add("somchai", PW, "analyst")
    assert guard.attempt(store, "  SomChai ", PW, now=at(0)).ok


def test_wrong_password_and_unknown_user_give_the_same_invalid_answer(store, guard):
    store.add("somchai", PW, "analyst")
    wrong = guard.attempt(store, "somchai", "wrong password!", now=at(0))
    unknown = guard.attempt(store, "nobody", PW, now=at(0))
    assert wrong == unknown == auth.LoginResult(False, None, "invalid", 0)
    assert wrong.message == "Wrong username or password."


def test_unknown_user_still_costs_a_bcrypt_check(store, monkeypatch, guard):
    calls = []
    real = auth.bcrypt.checkpw
    monkeypatch.setattr(auth.bcrypt, "checkpw", lambda pw, h: calls.append(h) or real(pw, h))
    guard.attempt(store, "nobody", PW, now=at(0))
    guard.attempt(store, "Not A Valid Name!", PW, now=at(0))
    assert len(calls) == 2 and all(h.startswith(b"$2b$04$") for h in calls)


def test_five_failures_lock_the_username_and_client_for_60_seconds_even_against_the_right_password(store, guard):
    store.add("somchai", PW, "analyst")
    keys = [guard.attempt(store, "somchai", "wrong password!", now=at(100 + i)).message_key for i in range(5)]
    assert keys == ["invalid"] * 4 + ["locked"]
    res = guard.attempt(store, "somchai", PW, now=at(110))
    assert (res.ok, res.message_key, res.retry_after_s) == (False, "locked", 54)
    assert res.message == "Too many failed sign-ins. Try again in 54 s."
    assert guard.attempt(store, "somchai", PW, now=at(163.5)).message_key == "locked"
    assert guard.attempt(store, "somchai", PW, now=at(164)).ok


def test_after_the_lock_runs_out_the_count_starts_again(store, guard):
    store.add("somchai", PW, "analyst")
    for i in range(5):
        guard.attempt(store, "somchai", "wrong password!", now=at(0))
    assert guard.attempt(store, "somchai", "wrong password!", now=at(61)).message_key == "invalid"


def test_unknown_usernames_are_locked_the_same_way(store, guard):
    keys = [guard.attempt(store, "nobody", "whatever12", now=at(0)).message_key for _ in range(6)]
    assert keys == ["invalid"] * 4 + ["locked", "locked"]


def test_a_success_resets_the_failure_count(store, guard):
    store.add("somchai", PW, "analyst")
    for _ in range(4):
        guard.attempt(store, "somchai", "wrong password!", now=at(0))
    assert guard.attempt(store, "somchai", PW, now=at(1)).ok
    keys = [guard.attempt(store, "somchai", "wrong password!", now=at(2)).message_key for _ in range(4)]
    assert keys == ["invalid"] * 4


def test_lockout_is_per_username(store, guard):
    store.add("somchai", PW, "analyst")
    store.add("malee", PW, "analyst")
    for _ in range(5):
        guard.attempt(store, "somchai", "wrong password!", now=at(0))
    assert guard.attempt(store, "malee", PW, now=at(1)).ok


def test_concurrent_wrong_attempts_never_exceed_the_limit_before_locking(store, guard):
    store.add("somchai", PW, "analyst")
    results = []
    threads = [threading.Thread(target=lambda: results.append(
        guard.attempt(store, "somchai", "wrong password!", now=at(0)).message_key)) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["invalid"] * 4 + ["locked"] * 8


def test_an_over_long_password_is_refused_not_an_error(store, guard):
    store.add("somchai", PW, "analyst")
    assert guard.attempt(store, "somchai", PW + "x" * 100, now=at(0)).message_key == "invalid"


def test_an_oidc_only_account_cannot_sign_in_with_a_password(store, guard):
    store.add("oidc.user", None, "analyst", email="o@example.org")
    assert guard.attempt(store, "oidc.user", "", now=at(0)).message_key == "invalid"


# -- demo accounts, autologin, OIDC ----------------------------------------------------------------------

def test_demo_users_are_created_once_and_keep_their_passwords(store, guard):
    first = auth.create_demo_users(store)
    assert [(u, r) for u, _, r, _ in first] == [
        ("demo-analyst", "analyst"), ("demo-governor", "governor"), ("demo-officer", "district_officer"),
        ("demo-planner", "planner"), ("demo-admin", "admin")]
    for username, password, _, _ in first:
        assert len(password) >= auth.MIN_PASSWORD and guard.attempt(store, username, password, now=at(0)).ok
    assert store.get("demo-governor").scope() == Scope("governor", "27", None, "demo-governor")
    assert store.get("demo-officer").scope() == Scope("district_officer", "27", "2706", "demo-officer")
    second = auth.create_demo_users(store)
    assert [p for _, p, _, _ in second] == [None] * 5
    assert [d for *_, d in second] == [d for *_, d in first]
    for username, password, _, _ in first:
        assert guard.attempt(store, username, password, now=at(0)).ok


def test_demo_autologin_returns_the_named_user_only_when_set_and_existing(store, monkeypatch):
    auth.create_demo_users(store)
    assert auth.demo_autologin_user(store) is None
    monkeypatch.setenv("NTSWATCH_DEMO_AUTOLOGIN", "demo-analyst")
    assert auth.demo_autologin_user(store).scope() == Scope("analyst", username="demo-analyst")
    monkeypatch.setenv("NTSWATCH_DEMO_AUTOLOGIN", "nobody")
    assert auth.demo_autologin_user(store) is None


def test_demo_autologin_is_refused_for_admins_and_beyond_this_machine(store, monkeypatch):
    auth.create_demo_users(store)
    monkeypatch.setenv("NTSWATCH_DEMO_AUTOLOGIN", "demo-analyst")
    for address in ("127.0.0.1", "localhost", "::1"):
        assert auth.demo_autologin_user(store, address).username == "demo-analyst"
        assert auth.demo_autologin_refusal(store, address) is None
    for address in (None, "", "0.0.0.0", "10.0.0.5"):        # Streamlit's default (None) is every interface
        assert auth.demo_autologin_user(store, address) is None
        assert "not only on this machine" in auth.demo_autologin_refusal(store, address)
    monkeypatch.setenv("NTSWATCH_DEMO_AUTOLOGIN", "demo-admin")
    assert auth.demo_autologin_user(store, "127.0.0.1") is None
    assert "never for an admin" in auth.demo_autologin_refusal(store, "127.0.0.1")


def test_oidc_identity_maps_to_a_role_by_email_or_subject(store, users_file):
    store.add("gov", None, "governor", province_code="27", email="Gov@DOPA.example")
    store.add("ana", PW, "analyst")
    assert auth.user_for_oidc(store, "gov@dopa.example").scope().province_code == "27"
    assert auth.user_for_oidc(store, "stranger@dopa.example") is None
    assert auth.user_for_oidc(store, None) is None
    # pin the entry to a subject: then only that subject reaches it
    users_file.write_text(users_file.read_text().replace('role = "governor"',
                                                         'role = "governor"\noidc_subject = "sub-1"'))
    assert auth.user_for_oidc(store, "other@x.org", subject="sub-1").username == "gov"
    assert auth.user_for_oidc(store, "gov@dopa.example", subject="sub-2") is None


# -- CLI -------------------------------------------------------------------------------------------------

def test_cli_add_list_remove_round_trip_with_password_stdin(store, users_file, guard):
    res = invoke("users", "add", "gov27", "--role", "governor", "--province", "27", "--name", "ผู้ว่าฯ สระแก้ว",
                 "--email", "gov27@example.org", "--password-stdin", input=PW + "\n")
    assert res.exit_code == 0, res.output
    assert "added gov27 (governor, province 27)" in res.output
    assert guard.attempt(store, "gov27", PW, now=at(0)).ok
    listed = json.loads(invoke("users", "list", "--json").stdout)
    assert listed == [{"username": "gov27", "role": "governor", "display_name": "ผู้ว่าฯ สระแก้ว",
                       "province_code": "27", "district_code": None, "email": "gov27@example.org",
                       "oidc_subject": None, "created_at": listed[0]["created_at"], "two_step": False}]
    table = invoke("users", "list").output
    assert "gov27" in table and "$2b$" not in table and "password" not in table
    res = invoke("users", "remove", "gov27")
    assert res.exit_code == 0 and "removed gov27" in res.output
    assert json.loads(invoke("users", "list", "--json").stdout) == []


def test_cli_add_prompts_twice_for_a_hidden_password(store):
    res = invoke("users", "add", "officer1", "--role", "district_officer", "--district", "2706",
                 input=f"{PW}\n{PW}\n")
    assert res.exit_code == 0, res.output
    assert PW not in res.output
    assert store.get("officer1").scope() == Scope("district_officer", "27", "2706", "officer1")


def test_cli_add_checks_the_fields_before_asking_for_the_password(store):
    res = invoke("users", "add", "gov", "--role", "governor")
    assert res.exit_code == 2
    lines = [l for l in res.output.splitlines() if l.strip()]
    assert len(lines) == 1 and "a governor needs --province" in lines[0], res.output
    assert "Password" not in res.output


@pytest.mark.parametrize("args, stdin, message", [
    (["BadName", "--role", "analyst"], PW, "username 'BadName'"),
    (["ok-name", "--role", "boss"], PW, "role 'boss' is unknown"),
    (["ok-name", "--role", "analyst"], "short", "It is shorter than 12 characters."),
    (["ok-name", "--role", "analyst"], "aaaaaaaaaa", "It is too easy to guess"),
])
def test_cli_add_with_bad_input_prints_one_line_and_exits_2(store, args, stdin, message):
    res = invoke("users", "add", *args, "--password-stdin", input=stdin + "\n")
    assert res.exit_code == 2
    lines = [l for l in res.output.splitlines() if l.strip()]
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in res.output, res.output
    assert store.list() == []


def test_cli_add_checks_codes_against_an_existing_database(store, geo_db, monkeypatch):
    monkeypatch.setenv("NTSWATCH_DB", str(geo_db))
    res = invoke("users", "add", "gov", "--role", "governor", "--province", "98", "--password-stdin",
                 input=PW + "\n")
    assert res.exit_code == 2 and "province 98 is not in the database" in res.output


def test_cli_remove_unknown_user_exits_2(store):
    res = invoke("users", "remove", "ghost")
    assert res.exit_code == 2 and "no user 'ghost'" in res.output


def test_cli_add_without_password_needs_an_email(store):
    res = invoke("users", "add", "oidc.person", "--role", "planner", "--no-password")
    assert res.exit_code == 2 and "needs --email" in res.output
    res = invoke("users", "add", "oidc.person", "--role", "planner", "--no-password", "--email", "p@x.org")
    assert res.exit_code == 0 and store.get("oidc.person").password_hash is None


def test_cli_demo_prints_passwords_once_and_keeps_them(store, users_file, guard):
    res = invoke("users", "demo")
    assert res.exit_code == 0, res.output
    assert "shown once" in res.output
    for username in ("demo-analyst", "demo-governor", "demo-officer", "demo-planner", "demo-admin"):
        line = next(l for l in res.output.splitlines() if username in l)
        password = line.split("│")[2].strip()
        assert guard.attempt(store, username, password, now=at(0)).ok, line
    before = users_file.read_bytes()
    again = invoke("users", "demo")
    assert again.exit_code == 0 and "(kept)" in again.output and "shown once" not in again.output
    assert users_file.read_bytes() == before
    assert stat.S_IMODE(users_file.stat().st_mode) == 0o600
