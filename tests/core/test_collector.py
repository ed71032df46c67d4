"""The app leaves the collector tuned for many open tabs (thrust/core/collector.py)."""

from __future__ import annotations

import gc

import thrust.thrust  # noqa: F401  (assembling the app tunes the collector)
from thrust.core.collector import THRESHOLDS


def test_the_assembled_app_is_frozen_and_young_objects_are_collected_less_often() -> None:
    assert gc.get_threshold() == THRESHOLDS
    assert gc.get_freeze_count() > 10_000  # the compiled pages and states are out of every collection
