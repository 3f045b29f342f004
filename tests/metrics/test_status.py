from decimal import Decimal as D

import pytest

from metrics.status import moved_toward_target, value_status


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("90", "green"),
        ("90.0001", "green"),
        ("89.9999", "amber"),
        ("85", "amber"),  # exactly the band short of the target
        ("84.9999", "red"),
        ("10", "red"),
    ],
)
def test_higher_is_better_flips_exactly_at_the_band_edges(value, expected):
    assert (
        value_status(value=D(value), target=D(90), direction="higher", amber_band=D(5)) == expected
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("20", "green"),
        ("19", "green"),
        ("20.0001", "amber"),
        ("25", "amber"),
        ("25.0001", "red"),
    ],
)
def test_lower_is_better_flips_exactly_at_the_band_edges(value, expected):
    assert (
        value_status(value=D(value), target=D(20), direction="lower", amber_band=D(5)) == expected
    )


def test_no_band_means_any_shortfall_is_red():
    assert (
        value_status(value=D("89.99"), target=D(90), direction="higher", amber_band=D(0)) == "red"
    )
    assert value_status(value=D(90), target=D(90), direction="higher", amber_band=D(0)) == "green"


def test_no_target_means_no_status():
    assert value_status(value=D(5), target=None, direction="higher", amber_band=D(1)) == ""


def test_progress_is_movement_from_baseline_in_the_better_direction():
    assert moved_toward_target(baseline=D(30), latest=D(28), direction="lower")
    assert not moved_toward_target(baseline=D(30), latest=D(30), direction="lower")
    assert not moved_toward_target(baseline=D(30), latest=D(31), direction="lower")
    assert moved_toward_target(baseline=D(70), latest=D(71), direction="higher")
    assert not moved_toward_target(baseline=None, latest=D(71), direction="higher")
