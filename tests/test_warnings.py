"""The suite fails on every warning but a dependency's deprecation of its own code
(pyproject.toml ``filterwarnings``): a release that deprecates something egovrules never calls
cannot fail a fresh install's run, and a deprecated call in egovrules or the tests still does."""

from __future__ import annotations

import warnings

import pytest


def _warn(category: type[Warning], module: str) -> list[warnings.WarningMessage]:
    """Issue a warning as if raised in ``module``; what was shown (it raises when an error)."""
    with warnings.catch_warnings(record=True) as shown:  # the suite's filters, kept
        warnings.warn_explicit("an old API", category, "lib.py", 1, module=module, registry={})
    return shown


@pytest.mark.parametrize("module", ["pydantic.main", "starlette.routing", "somelib"])
@pytest.mark.parametrize("category", [DeprecationWarning, PendingDeprecationWarning])
def test_a_dependency_s_own_deprecation_is_shown_not_failed(
    category: type[Warning], module: str
) -> None:
    assert [w.category for w in _warn(category, module)] == [category]


@pytest.mark.parametrize("module", ["egovrules", "egovrules.engine.pack", "tests.test_cli"])
@pytest.mark.parametrize("category", [DeprecationWarning, PendingDeprecationWarning])
def test_a_deprecation_at_our_own_call_fails_the_run(category: type[Warning], module: str) -> None:
    with pytest.raises(category):
        _warn(category, module)


@pytest.mark.parametrize("category", [UserWarning, RuntimeWarning, FutureWarning])
def test_any_other_warning_fails_the_run_wherever_it_is_raised(category: type[Warning]) -> None:
    with pytest.raises(category):
        _warn(category, "somelib")
