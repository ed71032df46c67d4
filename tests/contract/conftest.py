"""The contract run's figures in the terminal summary: requests, failures and time per role."""

from __future__ import annotations

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.contract.test_schemathesis import FIGURES

    if not FIGURES:
        return
    terminalreporter.section("API contract (schemathesis, all checks)")
    for role, (requests, failures, seconds) in FIGURES.items():
        terminalreporter.write_line(
            f"{role:<10} {requests:6d} requests  {failures:3d} failures  {seconds:6.1f} s"
        )
