"""Members: the gym's customers, their membership and its state."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from thrust.core.types import UTCDateTime
from thrust.models.columns import created, db_enum, trigram_index, updated


class MembershipTier(StrEnum):
    BASIC = "BASIC"
    PREMIUM = "PREMIUM"
    VIP = "VIP"


class MemberStatus(StrEnum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    FROZEN = "FROZEN"


# (filter column, short name) x sorts: the composite indexes migration 0015 makes (not the tier: every
# index is written again by each bulk status change, and a tier is a tenth of the club or more).
FILTER_SORT_COLUMNS = (("status", "status"), ("assigned_trainer_id", "trainer"))


def _filter_sort_indexes() -> list[sa.Index]:
    indexes: list[sa.Index] = []
    for column, short in FILTER_SORT_COLUMNS:
        indexes.append(sa.Index(f"members_{short}_full_name_idx", column, "full_name", "id"))
        indexes.append(sa.Index(f"members_{short}_membership_end_idx", column, "membership_end", "id"))
        if column != "status":  # status has its last-visit pair since migration 0004
            indexes.append(sa.Index(f"members_{short}_last_visit_at_idx", column, "last_visit_at", "id"))
            latest_first = sa.Index(
                f"members_{short}_last_visit_at_desc_idx",
                column,
                sa.text("last_visit_at DESC NULLS LAST"),
                sa.text("id DESC"),
            )
            indexes.append(latest_first.ddl_if(dialect="postgresql"))
    return indexes


class Member(SQLModel, table=True):
    """A member's profile and membership; linked one-to-one to their user account."""

    __tablename__ = "members"
    __table_args__ = (
        sa.Index("members_status_idx", "status"),
        sa.Index("members_membership_tier_idx", "membership_tier"),
        # Status with the last visit (migration 0004): inactive and frozen members stopped coming, so
        # walking the plain last-visit index to find them would pass nearly everyone first.
        sa.Index("members_status_last_visit_at_idx", "status", "last_visit_at", "id"),
        sa.Index(
            "members_status_last_visit_at_desc_idx",
            "status",
            sa.text("last_visit_at DESC NULLS LAST"),
            sa.text("id DESC"),
        ).ddl_if(dialect="postgresql"),
        # The directory's sorts, each with the id that breaks ties (migration 0003): a page is read
        # straight off the index, in either direction.
        sa.Index("members_membership_end_id_idx", "membership_end", "id"),
        sa.Index("members_assigned_trainer_id_idx", "assigned_trainer_id"),
        # Each list filter with each sort (migration 0015): a filtered page is read straight off one
        # index, also deep by cursor, instead of walking a sort's index past every other member.
        *_filter_sort_indexes(),
        # The seed's raw-SQL indexes (PostgreSQL only).
        sa.Index(
            "members_search_idx",
            # Written as PostgreSQL prints it back, so autogenerate sees no difference.
            sa.text(
                "to_tsvector('english'::regconfig, (full_name::text || ' '::text) "
                "|| COALESCE(phone, ''::character varying)::text)"
            ),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
        # The seed writes `membership_end > NOW()` into the predicate, which PostgreSQL refuses
        # (index predicates must be immutable); the status filter keeps the index small enough.
        sa.Index(
            "members_expiring_idx",
            "membership_end",
            postgresql_where=sa.text("status = 'ACTIVE'"),
        ).ddl_if(dialect="postgresql"),
        sa.Index("members_trainer_status_idx", "assigned_trainer_id", "status").ddl_if(dialect="postgresql"),
        # Partial, accent- and case-insensitive search: trigrams over a folded search key.
        # Check-ins add every updated row's trigrams to its pending list, which each search reads: the
        # minute job thrust.members.jobs.tidy_search_index merges it.
        trigram_index("members_search_trgm_idx", "search_text"),
        sa.Index("members_full_name_id_idx", "full_name", "id"),
        sa.Index("members_last_visit_at_id_idx", "last_visit_at", "id"),
        # Latest visit first with never-visited members last (a backward scan of the one above would put
        # them first).
        sa.Index(
            "members_last_visit_at_desc_idx",
            sa.text("last_visit_at DESC NULLS LAST"),
            sa.text("id DESC"),
        ).ddl_if(dialect="postgresql"),
        sa.CheckConstraint("membership_end >= membership_start", name="members_end_after_start"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(
        sa_column=sa.Column(
            sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, unique=True
        )
    )
    full_name: str = Field(sa_column=sa.Column(sa.String(120), nullable=False))
    phone: str | None = Field(default=None, sa_column=sa.Column(sa.String(32), nullable=True))
    date_of_birth: date | None = Field(default=None, sa_column=sa.Column(sa.Date(), nullable=True))
    gender: str | None = Field(default=None, sa_column=sa.Column(sa.String(16), nullable=True))
    membership_tier: MembershipTier = Field(
        default=MembershipTier.BASIC,
        sa_column=sa.Column(
            db_enum(MembershipTier, "membership_tier"),
            nullable=False,
            server_default=MembershipTier.BASIC.value,
        ),
    )
    membership_start: date = Field(sa_column=sa.Column(sa.Date(), nullable=False))
    membership_end: date = Field(sa_column=sa.Column(sa.Date(), nullable=False))
    status: MemberStatus = Field(
        default=MemberStatus.ACTIVE,
        sa_column=sa.Column(
            db_enum(MemberStatus, "member_status"), nullable=False, server_default=MemberStatus.ACTIVE.value
        ),
    )
    assigned_trainer_id: uuid.UUID | None = Field(
        default=None,
        sa_column=sa.Column(sa.Uuid(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    search_text: str = Field(
        default="",
        sa_column=sa.Column(sa.String(400), nullable=False, server_default=""),
        description="Name, email and phone folded to lower case without accents, for LIKE search.",
    )
    last_visit_at: datetime | None = Field(
        default=None,
        sa_column=sa.Column(UTCDateTime(), nullable=True),
        description="Start of the latest visit, kept by check-in so lists can sort by it cheaply.",
    )
    created_at: datetime = created()
    updated_at: datetime = updated()


# A word's first one, two or three characters, then the name: the name-ordered indexes. Written as
# PostgreSQL prints the expression back, so autogenerate sees no difference; SQLite gets the same
# indexes from migration 0014 (`substr(word, 1, n)`), which its reflection skips (expression indexes).
WORD_GROUPS = (1, 2, 3)


def _word_group_indexes() -> list[sa.Index]:
    return [
        sa.Index(
            f"member_search_words_group{n}_idx",
            sa.text(f"substr(word::text, 1, {n})"),
            "full_name",
            "member_id",
            "word",
            "assigned_trainer_id",
        ).ddl_if(dialect="postgresql")
        for n in WORD_GROUPS
    ]


class MemberSearchWord(SQLModel, table=True):
    """One word of a member's search text (`members.search_text` split at its spaces: the name's words,
    the email, the phone's digits) with the member's name, for word-prefix search.

    "Starts with mar" is a range of the primary key (`word >= 'mar' AND word < 'mar' + U+10FFFF`). The
    name-ordered indexes answer "the first 25 members, by name, one of whose words starts with m / ma /
    mar" by reading 25 entries: a word's first one to three characters, then the name and the member
    (the word and the member's trainer follow, for the entries a longer term or a trainer's scope keeps).

    The database keeps it (migration 0014's triggers, on both engines), so every writer of
    `search_text`, `full_name` or `assigned_trainer_id`, COPY and bulk updates included, keeps it true.
    Bytewise word order ("C" on PostgreSQL, SQLite's BINARY) makes the prefix range the same on both
    engines; the name is in the members table's own collation, so both lists sort names alike.
    """

    __tablename__ = "member_search_words"
    __table_args__ = (
        sa.Index("member_search_words_member_id_idx", "member_id"),
        *_word_group_indexes(),
    )

    word: str = Field(
        sa_column=sa.Column(
            sa.String(400).with_variant(sa.String(400, collation="C"), "postgresql"),
            primary_key=True,
        )
    )
    member_id: uuid.UUID = Field(
        sa_column=sa.Column(
            sa.Uuid(), sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    full_name: str = Field(sa_column=sa.Column(sa.String(120), nullable=False))
    # The member's trainer: a trainer's search (and the trainer filter) is kept on the index entry.
    assigned_trainer_id: uuid.UUID | None = Field(default=None, sa_column=sa.Column(sa.Uuid(), nullable=True))
