"""The public form's guard, layer 1 (rate limits) — the intake tests in test_spam.py cover the stored rules."""
from __future__ import annotations

from ntswatch_geo.reports import guard


def test_client_beyond_hold_limit_is_held_not_refused():
    g = guard.IntakeGuard(hold="2 per minute", refuse="5 per minute",
                          global_refuse="1000 per minute")
    got = [g.check("a") for _ in range(5)]
    assert [d.refused for d in got] == [False] * 5
    assert [d.hold_reason for d in got] == [None, None, "client_rate", "client_rate", "client_rate"]


def test_client_beyond_refuse_limit_is_refused_with_wait_and_flood_flag():
    g = guard.IntakeGuard(hold="2 per minute", refuse="3 per minute",
                          global_refuse="1000 per minute")
    for _ in range(3):
        assert not g.check("a").refused
    d = g.check("a")
    assert d.refused and d.flood and 1 <= d.retry_after_s <= 60
    assert not g.check("b").refused and g.check("b").hold_reason is None      # another client is untouched


def test_global_cap_refuses_without_flood_flag_and_unknown_clients_count_there():
    g = guard.IntakeGuard(hold="5 per minute", refuse="10 per minute",
                          global_refuse="3 per minute")
    assert [g.check(None).refused for _ in range(4)] == [False, False, False, True]
    d = g.check("x")
    assert d.refused and not d.flood


def test_refused_submissions_do_not_extend_the_clients_window():
    g = guard.IntakeGuard(hold="1 per minute", refuse="2 per minute",
                          global_refuse="1000 per minute")
    g.check("a"), g.check("a")
    for _ in range(20):
        assert g.check("a").refused
    assert g.limiter.get_window_stats(g.refuse[0], "client", "a").remaining == 0


def test_client_key_is_a_keyed_hash_never_the_address(monkeypatch):
    monkeypatch.setenv("NTSWATCH_CLIENT_KEY", "k1")
    a = guard.client_key("203.0.113.7")
    assert a and len(a) == 16 and "203" not in a and a == guard.client_key("203.0.113.7")
    monkeypatch.setenv("NTSWATCH_CLIENT_KEY", "k2")
    assert guard.client_key("203.0.113.7") != a
    assert guard.client_key(None) is None and guard.client_key("") is None


def test_raw_values_are_cut_for_quarantine():
    long = "x" * 50_000
    kept = guard.cut_raw(long)
    assert len(kept) < guard.RAW_KEEP_CHARS + 40 and "50,000" in kept
    assert guard.cut_raw("short") == "short" and guard.cut_raw(None) is None



def test_without_its_own_key_the_client_hash_follows_the_session_signing_key(monkeypatch):
    monkeypatch.delenv("NTSWATCH_CLIENT_KEY", raising=False)
    monkeypatch.setenv("NTSWATCH_SECRET_KEY", "a" * 40)
    a = guard.client_key("203.0.113.7")
    monkeypatch.setenv("NTSWATCH_SECRET_KEY", "b" * 40)
    assert guard.client_key("203.0.113.7") != a and len(a) == 16
