"""The page registry: every page declared once, and the navigation lists exactly what a role may open."""

from __future__ import annotations

import pytest

import thrust.thrust  # declares every page, as the running app does
from thrust.auth.rbac import ROLE_PERMISSIONS, Permission
from thrust.models import Role
from thrust.ui import routes
from thrust.ui.registry import NOT_FOUND, PAGES, PUBLIC, nav_pages
from thrust.ui.shell import sidebar

# What each role finds in the main navigation, in order.
NAV_BY_ROLE = {
    Role.ADMIN: ["Dashboard", "Members", "Front desk", "Live traffic", "Planner", "Settings"],
    Role.TRAINER: ["Dashboard", "Members", "Front desk", "Live traffic", "Planner", "Settings"],
    Role.MEMBER: ["Dashboard", "My plan", "Live traffic", "Settings"],
}


def test_every_page_has_a_route_a_title_and_a_rule_for_who_may_open_it() -> None:
    assert len(PAGES) >= 10, sorted(PAGES)
    for key, spec in PAGES.items():
        assert spec.route and spec.key == key
        assert spec.title.strip(), key
        assert spec.needs == PUBLIC or isinstance(spec.needs, tuple), f"{key}: no rule for who may open it"
        assert all(isinstance(p, Permission) for p in (() if spec.public else spec.needs)), key
    # The app serves exactly the declared pages, each titled from its declaration.
    served = thrust.thrust.app._unevaluated_pages
    assert sorted(served) == sorted(PAGES)
    for key, spec in PAGES.items():
        assert served[key].title == f"{spec.title} · THRUST"
        assert served[key].component is spec.component


def test_only_sign_in_sign_up_page_not_found_and_how_busy_it_is_are_public() -> None:
    public = {key for key, spec in PAGES.items() if spec.public}
    assert public == {routes.LOGIN.strip("/"), routes.SIGNUP.strip("/"), NOT_FOUND, routes.BUSY.strip("/")}


@pytest.mark.parametrize("role", list(Role))
def test_the_navigation_shows_exactly_the_pages_a_role_may_open(role: Role) -> None:
    held = ROLE_PERMISSIONS[role]
    shown = [spec.title for spec in nav_pages() if spec.listed_for(held)]
    assert shown == NAV_BY_ROLE[role]
    # Every signed-in page with an address of its own is in the menu, unless its entry is hidden from
    # the role (staff may open the member's "My plan", which points them to the planner); a profile
    # (members/[id]) is not.
    addressable = [spec for spec in PAGES.values() if not spec.public and "[" not in spec.route]
    may_open = {spec.title for spec in addressable if spec.allows(held)}
    hidden = {spec.title for spec in addressable if spec.nav and any(p in held for p in spec.nav.unless)}
    assert set(shown) == may_open - hidden
    assert ("My plan" in hidden) == (role != Role.MEMBER)


def test_the_sidebar_is_built_from_the_registry() -> None:
    rendered = str(sidebar())
    for spec in nav_pages():
        assert spec.title in rendered and f'"{spec.route}"' in rendered, spec.title
        for permission in (() if spec.public else spec.needs) + (spec.nav.unless if spec.nav else ()):
            assert permission.value in rendered, f"{spec.title}: shown regardless of {permission.value}"
    assert rendered.index('"Members"') < rendered.index('"Front desk"') < rendered.index('"Settings"')


def test_an_unknown_address_shows_a_page_with_a_way_back() -> None:
    spec = PAGES[NOT_FOUND]
    assert spec.public and spec.title == "Page not found"
    rendered = str(spec.component())
    assert '"Page not found"' in rendered
    assert 'to:"/"' in rendered  # a link to the dashboard (which asks a visitor to sign in first)
    assert "Back to the dashboard" in rendered
