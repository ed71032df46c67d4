"""ui/background.py: a background handler follows its long work until it ends, and may cancel it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from thrust.ui.background import follow


def test_follow_ticks_while_the_work_runs_and_once_when_it_ends() -> None:
    ticks: list[bool] = []

    async def tick(task: asyncio.Future[Any]) -> None:
        ticks.append(task.done())

    async def run() -> str:
        task = asyncio.ensure_future(asyncio.sleep(0.05, result="done"))
        await follow(task, every=0.01, tick=tick)
        return task.result()

    assert asyncio.run(run()) == "done"
    assert len(ticks) >= 2 and ticks[-1] and not ticks[0]


def test_a_tick_may_cancel_the_work() -> None:
    async def cancel(task: asyncio.Future[Any]) -> None:
        task.cancel()

    async def run() -> None:
        task = asyncio.ensure_future(asyncio.sleep(10))
        await follow(task, every=0.01, tick=cancel)
        await task

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(run())
