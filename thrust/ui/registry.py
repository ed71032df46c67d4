"""Every page, declared once: its route, title, who may open it, what loads it and its menu entry.

`thrust/ui/pages.py`'s `@page(...)` fills this registry; `thrust.py` adds each page to the app from
it, the navigation lists its menu entries from it and `AuthState.require_login` checks its `needs`
and runs its loaders from it. Nothing here builds components, so every layer may read it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from thrust.auth.rbac import Permission

# Who may open a page: anyone (no session needed), or a signed-in user holding any of the permissions
# (none listed: anyone signed in).
Public = Literal["public"]
PUBLIC: Final[Public] = "public"
SIGNED_IN: Final[tuple[Permission, ...]] = ()
Needs = Public | tuple[Permission, ...]

# Reflex's route for the page it shows at any address no other page has.
NOT_FOUND: Final = "404"


@dataclass(frozen=True)
class Nav:
    """A page's entry in the main navigation: its place (lowest first), its icon, and whom it is not
    listed for: anyone holding any of `unless` (the member's own plan is no entry for those who build
    plans; they may still open it, and it tells them where their work is)."""

    order: int
    icon: str
    unless: tuple[Permission, ...] = ()


@dataclass(frozen=True)
class PageSpec:
    route: str
    title: str
    needs: Needs
    # Run once the visitor is known to be signed in and may open the page (on public pages: on load).
    on_load: tuple[Any, ...]
    component: Callable[[], Any]
    nav: Nav | None = None

    @property
    def key(self) -> str:
        """The route as Reflex's router names it ("index", "settings", "members/[member_id]")."""
        return page_key(self.route)

    @property
    def public(self) -> bool:
        return self.needs == PUBLIC

    def allows(self, permissions: Sequence[Permission] | frozenset[Permission]) -> bool:
        """Whether someone signed in and holding `permissions` may open the page."""
        return self.needs == PUBLIC or not self.needs or any(p in permissions for p in self.needs)

    def listed_for(self, permissions: Sequence[Permission] | frozenset[Permission]) -> bool:
        """Whether the main navigation lists the page for someone holding `permissions`."""
        if self.nav is None or not self.allows(permissions):
            return False
        return not any(p in permissions for p in self.nav.unless)


# Reflex's route key -> the page, in the order pages were declared.
PAGES: dict[str, PageSpec] = {}


def page_key(route: str) -> str:
    """The route as Reflex's router names it, whichever way it is written ("/", "index", "/settings/")."""
    return route.strip("/") or "index"


def register(spec: PageSpec) -> None:
    if spec.key in PAGES and PAGES[spec.key].component is not spec.component:
        raise ValueError(f"two pages declare the route {spec.route!r}")
    PAGES[spec.key] = spec


def find(route: str) -> PageSpec | None:
    """The page at `route` (a path or Reflex's route key), if one is declared."""
    return PAGES.get(page_key(route))


def nav_pages() -> list[PageSpec]:
    """The pages in the main navigation, in their order."""
    listed = [spec for spec in PAGES.values() if spec.nav is not None]
    return sorted(listed, key=lambda spec: spec.nav.order if spec.nav else 0)
