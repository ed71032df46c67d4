"""The gym's own settings (name, capacity, timezone, opening hours): reading them, for now."""

from __future__ import annotations

from sqlmodel import Session

from thrust.models import GymSettings

GYM_ID = 1


def get_gym(session: Session) -> GymSettings:
    """The gym's settings row; the initial migration creates it, this recreates it if it was removed."""
    gym = session.get(GymSettings, GYM_ID)
    if gym is None:
        gym = GymSettings(id=GYM_ID)
        session.add(gym)
        session.flush()
    return gym


def gym_name(session: Session) -> str:
    """The name shown in every page's header and on the login page (public information)."""
    return get_gym(session).name
