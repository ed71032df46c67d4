"""The shipped exercise catalog: reading thrust/planner/data/exercises.json and loading it into a database.

Migration 0011 loads it when it creates the tables, so every database (a new gym, a test's, a restored
copy) has the catalog from its first start, in the same transaction as its schema. Loading is
idempotent: an exercise already there (by its catalog id) is left as it is, so a later migration may
load a newer file the same way, adding only what is new.

Each catalog exercise has the same id in every database (a UUID derived from the catalog's own id):
a plan copied to another gym, or a test, can name "Barbell Full Squat" by its id.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from thrust.core.text import exercise_search_text
from thrust.core.types import JSONDocument, UTCDateTime
from thrust.planner.vocabulary import Category, Equipment, ExerciseTraits, Force, Level, Mechanic, Muscle

CATALOG_FILE = Path(__file__).resolve().parent / "data" / "exercises.json"
# The namespace of the catalog's ids (uuid5 of the catalog's own id); never change it.
CATALOG_NAMESPACE = uuid.UUID("6f1f8a52-3c1e-4d0b-9a55-1f0e7c2b9d41")
BATCH = 500

# The tables as migration 0011 makes them (not the models, which may grow columns later: a migration
# that runs this loader must find exactly these columns).
_EXERCISES = sa.table(
    "exercises",
    sa.column("id", sa.Uuid()),
    sa.column("source_id", sa.String()),
    sa.column("name", sa.String()),
    sa.column("search_name", sa.String()),
    sa.column("level", sa.String()),
    sa.column("category", sa.String()),
    sa.column("equipment", sa.String()),
    sa.column("mechanic", sa.String()),
    sa.column("force", sa.String()),
    sa.column("primary_muscles", JSONDocument),
    sa.column("secondary_muscles", JSONDocument),
    sa.column("is_custom", sa.Boolean()),
    sa.column("created_at", UTCDateTime()),
)
_MUSCLES = sa.table(
    "exercise_muscles",
    sa.column("exercise_id", sa.Uuid()),
    sa.column("muscle", sa.String()),
    sa.column("is_primary", sa.Boolean()),
)


def catalog_id(source_id: str) -> uuid.UUID:
    """The id a catalog exercise has in every THRUST database."""
    return uuid.uuid5(CATALOG_NAMESPACE, source_id)


@dataclass(frozen=True)
class CatalogEntry(ExerciseTraits):
    """One exercise of the shipped file, its values checked against the vocabulary."""

    source_id: str

    @property
    def id(self) -> uuid.UUID:
        return catalog_id(self.source_id)


def _entry(raw: dict[str, Any]) -> CatalogEntry:
    try:
        return CatalogEntry(
            source_id=str(raw["id"]),
            name=str(raw["name"]).strip(),
            level=Level(raw["level"]),
            category=Category(raw["category"]),
            equipment=Equipment(raw.get("equipment") or Equipment.NONE),
            mechanic=Mechanic(raw["mechanic"]) if raw.get("mechanic") else None,
            force=Force(raw["force"]) if raw.get("force") else None,
            primary_muscles=tuple(Muscle(m) for m in raw["primaryMuscles"]),
            secondary_muscles=tuple(Muscle(m) for m in raw.get("secondaryMuscles") or ()),
        )
    except (KeyError, ValueError) as exc:  # a file that does not fit the vocabulary is a bug: say where
        raise ValueError(f"{CATALOG_FILE.name}: exercise {raw.get('id')!r}: {exc}") from None


def read_catalog(path: Path = CATALOG_FILE) -> list[CatalogEntry]:
    """Every exercise of the file, in its order."""
    with path.open(encoding="utf-8") as handle:
        return [_entry(raw) for raw in json.load(handle)]


def _batches(items: Sequence[CatalogEntry]) -> Iterator[Sequence[CatalogEntry]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def load_catalog(connection: Connection, entries: Sequence[CatalogEntry] | None = None) -> int:
    """Add the catalog's exercises this database does not have yet (by catalog id), with their muscles,
    on the caller's transaction; returns how many were added."""
    entries = read_catalog() if entries is None else entries
    present = set(
        connection.execute(sa.select(_EXERCISES.c.source_id).where(_EXERCISES.c.source_id.is_not(None)))
        .scalars()
        .all()
    )
    missing = [entry for entry in entries if entry.source_id not in present]
    now = datetime.now(UTC)
    for batch in _batches(missing):
        connection.execute(
            _EXERCISES.insert(),
            [
                {
                    "id": entry.id,
                    "source_id": entry.source_id,
                    "name": entry.name,
                    "search_name": exercise_search_text(entry.name),
                    "level": entry.level.value,
                    "category": entry.category.value,
                    "equipment": entry.equipment.value,
                    "mechanic": entry.mechanic.value if entry.mechanic else None,
                    "force": entry.force.value if entry.force else None,
                    "primary_muscles": [m.value for m in entry.primary_muscles],
                    "secondary_muscles": [m.value for m in entry.secondary_muscles],
                    "is_custom": False,
                    "created_at": now,
                }
                for entry in batch
            ],
        )
        connection.execute(
            _MUSCLES.insert(),
            [
                {"exercise_id": entry.id, "muscle": muscle, "is_primary": primary}
                for entry in batch
                for muscle, primary in muscle_rows(
                    [m.value for m in entry.primary_muscles], [m.value for m in entry.secondary_muscles]
                )
            ],
        )
    return len(missing)


def muscle_rows(primary: Sequence[str], secondary: Sequence[str]) -> list[tuple[str, bool]]:
    """An exercise's `exercise_muscles` rows: each muscle once, primary if it is listed as both."""
    rows = {muscle: True for muscle in primary}
    for muscle in secondary:
        rows.setdefault(muscle, False)
    return list(rows.items())
