"""What the members directory offers and shows: its filter, sort and page-size choices, and its rows
and trainer options worded for the page (shared by the directory, the member form and the profile)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from sqlmodel import Session

from thrust.auth.rbac import Actor
from thrust.core.text import initials
from thrust.gym.clock import GymClock
from thrust.members import directory, search
from thrust.models import MembershipTier, MemberStatus
from thrust.ui.format import DAY_TIME, cue_tone, day_label, relative_time

ALL = "all"
NO_TRAINER = "none"
STATUS_CHOICES = (ALL, *(s.value for s in MemberStatus))
TIER_CHOICES = (ALL, *(t.value for t in MembershipTier))
EXPIRING_DAYS = ("7", "14", "30", "60", "90")
EXPIRED = "expired"
STARTED_THIS_MONTH = "new"
MEMBERSHIP_CHOICES = (ALL, *EXPIRING_DAYS, EXPIRED, STARTED_THIS_MONTH)
SORT_CHOICES = tuple(key.value for key in search.SortKey)
ORDER_CHOICES = ("asc", "desc")
PAGE_SIZES = ("25", "50", "100")
# The first click on a column sorts the way people read it: names A-Z, soonest end first, latest visit first.
FIRST_ORDER = {"name": "asc", "membershipEnd": "asc", "lastVisit": "desc"}
BULK_VERBS = {"activate": "Activated", "deactivate": "Deactivated", "freeze": "Froze"}


@dataclasses.dataclass
class MemberFacts:
    """What the directory's row and the member's profile both say of a member, worded for the page."""

    id: str = ""
    name: str = ""
    initials: str = ""
    email: str = ""
    phone: str = ""
    tier: str = ""
    status: str = ""
    end: str = ""
    cue: str = ""
    cue_tone: str = ""  # red: expired, amber: ends within 30 days, gray: later
    trainer: str = ""
    last_visit: str = ""


@dataclasses.dataclass
class MemberRow(MemberFacts):
    """One directory row, already worded for the table."""

    last_visit_exact: str = ""
    inside: bool = False  # found inside a word of the member's, not at its start
    first_inside: bool = False  # the first such row: "Also matching inside names" above it


@dataclasses.dataclass
class TrainerOption:
    id: str = ""
    name: str = ""


def member_row(
    summary: directory.MemberSummary,
    now: datetime,
    gym: GymClock,
    *,
    inside: bool = False,
    first_inside: bool = False,
) -> MemberRow:
    """A directory row as the table shows it (`now` for "3 hours ago", the gym's clock for the exact time;
    `inside`: a search found it inside a word, `first_inside`: the first row so found)."""
    last = summary.last_visit_at
    return MemberRow(
        id=str(summary.id),
        name=summary.full_name,
        email=summary.email,
        phone=summary.phone or "",
        initials=initials(summary.full_name),
        tier=summary.membership_tier.value,
        status=summary.status.value,
        end=day_label(summary.membership_end),
        cue=summary.membership_cue,
        cue_tone=cue_tone(summary.days_left),
        trainer=summary.trainer_name or "",
        last_visit=relative_time(last, now),
        last_visit_exact=day_label(gym.local(last), DAY_TIME) if last else "",
        inside=inside,
        first_inside=first_inside,
    )


def trainer_options(session: Session, actor: Actor) -> list[TrainerOption]:
    """The trainers a member may be assigned to (the filter's and the form's choices)."""
    return [TrainerOption(str(tid), name) for tid, name in directory.list_trainers(session, actor)]
