"""`@page(...)`: declare a page once; signed-in pages get the shell (sidebar, header, demo banner)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import reflex as rx

from thrust.demo.state import DemoDataState
from thrust.ui.registry import PUBLIC, Nav, Needs, PageSpec, register
from thrust.ui.shell import template

# What the shell itself loads on every signed-in page: whether to show an admin the demo-data banner.
SHELL_LOADERS: tuple[Any, ...] = (DemoDataState.load_banner,)

PageBody = Callable[[], rx.Component]


def page(
    route: str,
    title: str,
    *,
    needs: Needs,
    on_load: Sequence[Any] = (),
    nav: Nav | None = None,
) -> Callable[[PageBody], PageBody]:
    """Register the decorated page body under `route`.

    `needs` is `PUBLIC` (no session: the body is the whole page) or the permissions, any of which
    opens it (`SIGNED_IN`: anyone signed in); such a page is wrapped in the shell, and its `on_load`
    runs only for a visitor who may open it. `nav` puts it in the main navigation.
    """

    def declare(body: PageBody) -> PageBody:
        if needs == PUBLIC:
            component, loaders = body, tuple(on_load)
        else:
            # The shell's first: one small read, and the banner sits above the page's content.
            component, loaders = template(title)(body), (*SHELL_LOADERS, *on_load)
        register(PageSpec(route, title, needs, loaders, component, nav))
        return component

    return declare
