"""The "Demo data is loaded" banner's state: shown to admins while demo accounts exist, and its removal."""

from __future__ import annotations

from typing import Any

import reflex as rx

from thrust.auth.arguments import int_arg
from thrust.auth.guard import requires, signed_in
from thrust.auth.policy import background_policy
from thrust.auth.rbac import Permission
from thrust.auth.state import AuthState, acting_user, user_bound, verified_actor
from thrust.demo import service
from thrust.ui.feedback import in_unit_of_work, refusals, saved_toast, shows_refusals

ALREADY_REMOVED = "The demo data has already been removed."
CHANGED = "The demo data changed since you looked; here is what would go now."


@user_bound
class DemoDataState(rx.State):
    """Whether this admin sees the banner, and the confirmation of what removing the demo deletes."""

    loaded: bool = False  # the banner shows (only ever True for admins: the service decides)
    dialog_open: bool = False
    summary: str = ""  # what goes, as the service words it
    accounts: int = 0  # demo accounts shown in the dialog: the confirmation must name the same number
    busy: bool = False

    _armed: bool = False  # set by a confirmation naming what the dialog showed; the removal consumes it

    @rx.event
    @signed_in
    async def load_banner(self) -> None:
        """Every page's loader: admins learn whether demo data is still loaded; anyone else, nothing."""
        actor = await acting_user(self)
        self.loaded = await in_unit_of_work(lambda s: service.demo_data_loaded(s, actor), read_only=True)

    @rx.event
    @requires(Permission.DEMO_DATA_REMOVE)
    @shows_refusals()
    async def ask_removal(self) -> Any:
        """Open the confirmation with what would be deleted now."""
        actor = await acting_user(self)
        impact = await in_unit_of_work(lambda s: service.removal_impact(s, actor), read_only=True)
        if not impact.accounts:
            self.loaded = self.dialog_open = False
            return rx.toast.info(ALREADY_REMOVED)
        self.summary, self.accounts = impact.summary(), impact.accounts
        self.dialog_open = True
        return None

    @rx.event
    @requires(Permission.DEMO_DATA_REMOVE)
    def cancel_removal(self) -> None:
        self.dialog_open = False

    @rx.event
    @requires(Permission.DEMO_DATA_REMOVE)
    async def confirm_removal(self, accounts: int) -> Any:
        """The dialog's button: `accounts` is the number it showed. Starts the removal in the background."""
        accounts = int_arg(accounts, "accounts", minimum=0)
        if not self.dialog_open or self.busy:
            return None
        if accounts != self.accounts:  # a stale or scripted confirmation: show what would go now
            return [rx.toast.info(CHANGED), DemoDataState.ask_removal]
        self.busy = self._armed = True
        return DemoDataState.run_removal

    @rx.event(background=True)
    @background_policy(Permission.DEMO_DATA_REMOVE)
    async def run_removal(self) -> Any:
        """Remove the demo data (10,000 members take seconds: longer than a handler may hold its state)."""
        async with self:
            armed, self._armed = self._armed, False  # only a matching confirmation arms it, once
            if not armed:
                return None
            actor = await verified_actor(self)
            if actor is None or not actor.can(Permission.DEMO_DATA_REMOVE):
                self.busy = False
                return None
        removed: service.DemoImpact | None = None
        try:
            # Sets no var: a background task changes its state only under the lock (below).
            with refusals(self) as refused:
                removed = await in_unit_of_work(lambda s: service.remove_demo_data(s, actor))
        finally:  # refused or failed, the dialog's button stops spinning; done, the dialog and banner go
            async with self:
                self.busy = False
                if removed is not None:
                    self.dialog_open = self.loaded = False
        if removed is None:
            return refused.toast
        if not removed.accounts:
            return rx.toast.info(ALREADY_REMOVED)
        # The page's own loaders run again, so what it shows no longer includes the demo.
        return [saved_toast(f"Removed {removed.summary()}."), AuthState.require_login]
