"""The vectorised Mann-Kendall test gives pymannkendall's original_test numbers, row by row."""
import numpy as np
import pymannkendall as mk
import pytest

from ntswatch_geo.hotspots.mannkendall import original_tests

FIELDS = ("p", "z", "Tau", "s", "var_s", "slope", "intercept")


def _compare(x, alpha=0.05):
    got = original_tests(x, alpha=alpha)
    assert len(got) == len(x)
    for row, g in zip(x, got):
        ref = mk.original_test(row, alpha=alpha)
        assert g.trend == ref.trend and g.h == bool(ref.h)
        for f in FIELDS:
            assert getattr(g, f) == pytest.approx(float(getattr(ref, f)), rel=1e-12, abs=1e-12), f


def test_mann_kendall_matches_pymannkendall_on_random_series_of_every_kind():
    rng = np.random.default_rng(7)
    n = 24
    t = np.arange(n)
    x = np.vstack([rng.normal(size=(200, n)),                           # no trend
                   rng.normal(size=(100, n)) + 0.15 * t,                # rising
                   rng.normal(size=(100, n)) - 0.15 * t,                # falling
                   rng.integers(0, 4, size=(100, n)).astype(float),     # many ties
                   np.zeros((3, n)), np.full((2, n), 2.5)])             # constant: S = 0, all tied
    _compare(x)
    _compare(x, alpha=0.1)


def test_mann_kendall_rows_with_missing_values_are_tested_as_pymannkendall_does():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(20, 12)) + 0.2 * np.arange(12)
    x[::3, 4] = np.nan
    _compare(x)


def test_mann_kendall_on_the_shortest_series_an_emerging_hot_spot_run_accepts():
    rng = np.random.default_rng(1)
    _compare(rng.normal(size=(50, 10)))


def test_mann_kendall_refuses_a_single_series_not_given_as_a_row():
    with pytest.raises(ValueError, match="2-d"):
        original_tests(np.arange(10.0))
