"""Long work in a background event handler: the page follows it (progress, a Cancel button) while it runs."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any


async def follow(
    task: asyncio.Future[Any], *, every: float, tick: Callable[[asyncio.Future[Any]], Awaitable[None]]
) -> None:
    """Wait until `task` is done, calling `tick(task)` each time `every` seconds pass or it ends.

    The task runs without the state's lock; a background handler's `tick` takes it briefly
    (`async with state`) to report progress, or to read a cancel request and `task.cancel()`. The caller
    takes the outcome from the task afterwards (its result, its error, or that it was cancelled).
    """
    while not task.done():
        await asyncio.wait({task}, timeout=every)
        await tick(task)
