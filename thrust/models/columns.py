"""The column helpers every table module uses: enum types, timestamps, flags, foreign keys, and `table_of`."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from thrust.core.types import UTCDateTime, utcnow


def db_enum(enum: type[StrEnum], name: str) -> sa.Enum:
    # Native enum types on PostgreSQL (as Prisma makes them), VARCHAR + CHECK on SQLite.
    return sa.Enum(enum, name=name, values_callable=lambda e: [m.value for m in e], create_constraint=True)


def created() -> Any:
    return Field(
        default_factory=utcnow,
        sa_column=sa.Column(UTCDateTime(), nullable=False, server_default=sa.func.now()),
    )


def updated() -> Any:
    return Field(
        default_factory=utcnow,
        sa_column=sa.Column(UTCDateTime(), nullable=False, server_default=sa.func.now(), onupdate=utcnow),
    )


def flag(default: bool, description: str | None = None) -> Any:
    """A yes/no column that is never NULL; the database fills rows written without it the way Python does."""
    return Field(
        default=default,
        sa_column=sa.Column(
            sa.Boolean(), nullable=False, server_default=sa.true() if default else sa.false()
        ),
        description=description,
    )


def foreign_key(
    target: str, *, ondelete: str | None = None, nullable: bool = False, index: bool = False
) -> Any:
    return Field(
        default=None if nullable else ...,
        sa_column=sa.Column(
            sa.Uuid(), sa.ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index
        ),
    )


def partial_index(name: str, *columns: str, where: str, unique: bool = False) -> sa.Index:
    """An index over the rows that meet `where` only, on both engines; `unique`: the database itself keeps
    a rule like "at most one open visit per member"."""
    condition = sa.text(where)
    return sa.Index(name, *columns, unique=unique, postgresql_where=condition, sqlite_where=condition)


def trigram_index(name: str, column: str) -> sa.Index:
    """Word-start and substring search over a folded search key: a GIN index of its trigrams
    (PostgreSQL only; SQLite scans)."""
    return sa.Index(name, column, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"}).ddl_if(
        dialect="postgresql"
    )


def table_of(model: type[SQLModel]) -> sa.Table:
    """The Table SQLModel made for a table model (for Core statements: `table_of(Member).c.status`)."""
    table: sa.Table = model.__table__  # type: ignore[attr-defined]  # set by SQLModel's metaclass; its stubs omit it
    return table
