"""The dashboard shell through Streamlit's AppTest: every page for every role, filters, scope, language."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ACCOUNTS, PASSWORD
from ntswatch_geo.config import PROJECT_ROOT

APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture
def env(demo_store, users_file, monkeypatch):
    monkeypatch.setenv("NTSWATCH_DB", str(demo_store))
    monkeypatch.setenv("NTSWATCH_USERS", str(users_file))
    monkeypatch.delenv("NTSWATCH_DEMO_AUTOLOGIN", raising=False)


def app_as(user: str | None, query: dict | None = None, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if user:
        at.session_state["auth_user"] = user
    if lang:
        at.session_state["lang"] = lang
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def metric(at: AppTest, index: int = 0) -> int:
    return int(at.metric[index].value.replace(",", ""))


def table_provinces(at: AppTest, lang: str = "th") -> set[str]:
    return set(at.dataframe[0].value["province"])


@pytest.mark.parametrize("user", list(ACCOUNTS))
def test_overview_renders_for_every_role_without_exception(env, user):
    at = app_as(user)
    no_exception(at)
    assert at.title[0].value == "ภาพรวม"
    assert len(at.metric) == 3
    assert any("Website" in m.value or "เว็บไซต์" in m.value for m in at.markdown)
    assert metric(at) > 0


def test_admin_page_is_offered_to_admins_only_and_renders(env):
    at = app_as("root")
    at.switch_page("app_pages/admin.py").run()
    no_exception(at)
    assert at.title[0].value == "ฐานข้อมูลและผู้ใช้"
    users = set(at.dataframe[1].value["username"])
    assert users == set(ACCOUNTS)
    assert "password_hash" not in at.dataframe[1].value.columns


def reaches(at: AppTest, page: str, shown) -> bool:
    """Whether switching to `page` shows what `shown` looks for (False when the page is not registered)."""
    try:
        at.switch_page(page).run()
    except Exception:  # AppTest refuses pages the navigation did not register for this visitor
        return False
    return shown(at)


def test_admin_page_is_not_registered_for_an_analyst(env):
    at = app_as("ana")
    assert not reaches(at, "app_pages/admin.py", lambda a: any(t.value == "ฐานข้อมูลและผู้ใช้" for t in a.title))
    assert reaches(app_as("root"), "app_pages/admin.py", lambda a: any(t.value == "ฐานข้อมูลและผู้ใช้" for t in a.title))


def test_signed_out_visitor_gets_the_public_report_form_and_the_sign_in_page_only(env):
    at = app_as(None)
    no_exception(at)
    assert at.title[0].value == "แจ้งเหตุ"
    assert not at.metric
    at.switch_page("app_pages/login.py").run()
    no_exception(at)
    assert any(w.key == "login_username" for w in at.text_input)
    assert not reaches(at, "app_pages/overview.py", lambda a: bool(a.metric))


def sign_in(at: AppTest, user: str, password: str) -> AppTest:
    if not any(w.key == "login_username" for w in at.text_input):
        at.switch_page("app_pages/login.py").run()
    at.text_input(key="login_username").input(user)
    at.text_input(key="login_password").input(password)
    return at.button[-1].click().run() if False else _submit(at)


def _submit(at: AppTest) -> AppTest:
    for b in at.button:
        if b.label == "เข้าสู่ระบบ":
            return b.click().run()
    raise AssertionError("no sign-in button")


def test_signing_in_with_the_right_password_opens_the_overview(env):
    at = sign_in(app_as(None), "ana", PASSWORD)
    no_exception(at)
    assert at.title[0].value == "ภาพรวม"


def test_a_wrong_password_gets_a_plain_message_without_detail(env):
    at = sign_in(app_as(None), "ana", "not-the-password")
    assert [e.value for e in at.error] == ["เข้าสู่ระบบไม่สำเร็จ: ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"]
    at = sign_in(app_as(None), "nobody-here", "whatever-it-is")
    assert [e.value for e in at.error] == ["เข้าสู่ระบบไม่สำเร็จ: ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"]


def test_five_wrong_passwords_lock_the_account_briefly(env):
    at = app_as(None)
    for _ in range(5):
        at = sign_in(at, "plan", "wrong-password-x")
    at = sign_in(at, "plan", PASSWORD)
    assert "ลองผิดหลายครั้งเกินไป" in at.error[0].value
    assert not at.metric


def test_choosing_a_category_changes_the_numbers_and_the_url(env):
    at = app_as("ana")
    before = metric(at)
    at.sidebar.multiselect(key="f_cats").set_value(["drug_trafficking"]).run()
    no_exception(at)
    assert 0 < metric(at) < before
    assert at.query_params["cat"] == ["drug_trafficking"] or at.query_params["cat"] == "drug_trafficking"


def test_a_link_with_filters_reproduces_the_view(env):
    at = app_as("ana")
    at.sidebar.multiselect(key="f_cats").set_value(["smuggling"]).run()
    at.sidebar.multiselect(key="f_provs").set_value(["23"]).run()
    shown = metric(at)
    query = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    again = app_as("ana", query=query)
    no_exception(again)
    assert metric(again) == shown
    assert again.session_state["f_provs"] == ["23"] and again.session_state["f_cats"] == ["smuggling"]


def test_a_governor_sees_only_their_province(env):
    at = app_as("gov27")
    no_exception(at)
    assert table_provinces(at) == {"สระแก้ว"}
    assert at.sidebar.multiselect(key="f_provs").disabled


def test_a_governor_cannot_reach_another_province_by_editing_the_url(env):
    # 2302 is Khlong Yai in Trat: not in the Sa Kaeo governor's scope
    at = app_as("gov27", query={"prov": "23", "dist": "2302"})
    no_exception(at)
    assert table_provinces(at) == {"สระแก้ว"}
    notices = " ".join(w.value for w in at.warning)
    assert "'2302'" in notices and "'23'" in notices
    default = app_as("gov27")
    assert metric(at) == metric(default)


def test_a_district_officer_sees_only_their_district(env):
    at = app_as("off2706")
    no_exception(at)
    assert list(at.dataframe[0].value["name"]) == ["อรัญประเทศ"]


def test_a_tampered_query_string_falls_back_to_defaults_with_a_notice(env):
    at = app_as("ana", query={"from": "2026-05-01", "to": "2026-01-01", "dist": "9999",
                              "cat": "drug_trafficking';DROP TABLE reports;--", "mwcc": "yes"})
    no_exception(at)
    notices = " ".join(w.value for w in at.warning)
    assert "สิ้นสุดก่อนเริ่มต้น" in notices and "'9999'" in notices and "DROP TABLE" in notices
    assert metric(at) == metric(app_as("ana"))


def test_a_filter_matching_nothing_shows_an_empty_state_not_an_error(env):
    at = app_as("ana", query={"from": "2022-01-01", "to": "2022-03-31"})
    no_exception(at)
    assert metric(at) == 0
    assert any("ไม่มีรายงานที่ตรงกับตัวกรองนี้" in i.value for i in at.info)


def test_english_mode_translates_labels_and_shows_christian_era_dates(env):
    at = app_as("ana", lang="en")
    no_exception(at)
    assert at.title[0].value == "Overview"
    assert at.metric[0].label == "Reports"
    assert "2026" in at.caption[0].value and "2569" not in at.caption[0].value


def test_thai_mode_shows_buddhist_era_years(env):
    at = app_as("ana")
    assert "2569" in at.caption[0].value


def test_synthetic_reports_in_view_raise_a_banner(env):
    at = app_as("ana")
    assert at.warning[0].value.startswith("ข้อมูลสังเคราะห์")


def test_no_banner_when_no_synthetic_report_is_in_view(env):
    at = app_as("ana", query={"from": "2022-01-01", "to": "2022-03-31"})
    assert not any(w.value.startswith("ข้อมูลสังเคราะห์") for w in at.warning)


def test_demo_autologin_is_refused_when_the_server_listens_beyond_this_machine(env, monkeypatch):
    # AppTest runs with Streamlit's default server.address (unset: every interface), as a plain
    # `streamlit run` would: the demo auto-login must not sign anybody in, and the sign-in page says why
    monkeypatch.setenv("NTSWATCH_DEMO_AUTOLOGIN", "ana")
    at = app_as(None)
    no_exception(at)
    assert "auth_user" not in at.session_state
    at.switch_page("app_pages/login.py").run()
    assert any("not only on this machine" in w.value for w in at.warning)


def test_demo_autologin_signs_in_on_localhost_but_never_as_admin(env, monkeypatch):
    from ntswatch_geo.ui import session

    monkeypatch.setattr(session, "server_address", lambda: "127.0.0.1")
    monkeypatch.setenv("NTSWATCH_DEMO_AUTOLOGIN", "ana")
    at = app_as(None)
    no_exception(at)
    assert at.session_state["auth_user"] == "ana"
    monkeypatch.setenv("NTSWATCH_DEMO_AUTOLOGIN", "root")                 # the admin account
    at = app_as(None)
    assert "auth_user" not in at.session_state


def test_markdown_in_a_link_value_is_shown_as_text_not_as_a_link_or_an_image(env):
    at = app_as("ana", {"cat": "[Sign in again](https://evil.example/login)", "ch": "![](https://evil.example/p.png)"})
    no_exception(at)
    shown = [w.value for w in at.warning]
    assert any("Sign in again" in v for v in shown), shown
    for v in shown:
        # Streamlit renders these as Markdown: escaped brackets and parentheses make no link and no image
        assert "](" not in v and "![" not in v, v


def test_the_province_list_is_in_thai_dictionary_order_in_thai_and_alphabetical_in_english(env):
    from ntswatch_geo.i18n import sort_key

    th = app_as("ana")
    box = next(m for m in th.sidebar.multiselect if m.label == "จังหวัด")
    shown = list(box.options)
    assert shown == sorted(shown, key=sort_key), shown
    assert shown.index("เชียงราย") < shown.index("ตราด") < shown.index("อุบลราชธานี")   # not code-point order
    en = app_as("ana", lang="en")
    box = next(m for m in en.sidebar.multiselect if m.label == "Provinces")
    assert box.options == sorted(box.options, key=str.casefold), box.options[:5]
