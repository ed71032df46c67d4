"""Migrations build the whole schema from empty on both engines, undo cleanly, and match the models."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, column, delete, func, insert, inspect, select, table, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from tests.conftest import ENGINES, alembic_config, downgrade, migrate
from tests.gym_rows import add_gym
from thrust.core.db import schema_filter
from thrust.core.text import exercise_search_text
from thrust.models import CheckIn, Exercise, ExerciseMuscle, Member, User, WorkoutPlan, WorkoutProgress
from thrust.planner.catalog_file import catalog_id, load_catalog, read_catalog

TABLES = {
    "users",
    "auth_sessions",
    "gym_settings",
    "members",
    "check_ins",
    "workout_plans",
    "workout_progress",
    "workout_plan_templates",
    "ai_usage_logs",
    "exercises",
    "exercise_muscles",
}
POSTGRES_ONLY_INDEXES = {
    "members_search_idx",
    "members_expiring_idx",
    "members_trainer_status_idx",
    "members_search_trgm_idx",
}


def _schema_diff(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": schema_filter(engine.dialect.name)}
        )
        return compare_metadata(context, SQLModel.metadata)


@pytest.mark.parametrize("fresh_engine", ENGINES, indirect=True)
def test_upgrade_downgrade_upgrade_leaves_models_and_schema_in_agreement(fresh_engine: Engine) -> None:
    migrate(fresh_engine)
    assert set(inspect(fresh_engine).get_table_names()) >= TABLES
    assert _schema_diff(fresh_engine) == []

    downgrade(fresh_engine)
    assert set(inspect(fresh_engine).get_table_names()) <= {"alembic_version"}
    if fresh_engine.dialect.name == "postgresql":
        with fresh_engine.connect() as connection:
            types = (
                connection.execute(text("SELECT typname FROM pg_type WHERE typtype = 'e'")).scalars().all()
            )
        assert not {"role", "membership_tier", "member_status"} & set(types)

    migrate(fresh_engine)
    assert _schema_diff(fresh_engine) == []


def test_postgres_gets_the_seeds_raw_indexes_and_trigram_search(engine: Engine) -> None:
    indexes = {ix["name"] for ix in inspect(engine).get_indexes("members")}
    if engine.dialect.name == "postgresql":
        assert indexes >= POSTGRES_ONLY_INDEXES
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).scalar()
    else:
        assert not POSTGRES_ONLY_INDEXES & indexes


def test_the_gym_settings_row_exists_with_defaults(engine: Engine) -> None:
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT name, max_capacity, auto_checkout_hours, timezone FROM gym_settings WHERE id = 1")
        ).one()
    assert tuple(row) == ("THRUST Gym", 100, 4, "UTC")


def _insert_member(connection: Connection) -> uuid.UUID:
    user = User(email=f"{uuid.uuid4().hex}@example.com", password_hash="!")
    member = Member(
        user_id=user.id,
        full_name="Ana Ruiz",
        membership_start=date(2026, 1, 1),
        membership_end=date(2026, 12, 31),
    )
    connection.execute(insert(User.__table__).values(id=user.id, email=user.email, password_hash="!"))
    connection.execute(
        insert(Member.__table__).values(
            id=member.id,
            user_id=user.id,
            full_name=member.full_name,
            membership_start=member.membership_start,
            membership_end=member.membership_end,
        )
    )
    return member.id


def _visit(connection: Connection, member_id: uuid.UUID, *, closed: bool) -> None:
    now = datetime.now(UTC)
    connection.execute(
        insert(CheckIn.__table__).values(
            id=uuid.uuid4(),
            member_id=member_id,
            check_in_time=now - timedelta(hours=1),
            check_out_time=now if closed else None,
        )
    )


def test_the_database_allows_one_open_visit_per_member(engine: Engine) -> None:
    with engine.connect() as connection, connection.begin() as transaction:
        member = _insert_member(connection)
        _visit(connection, member, closed=True)
        _visit(connection, member, closed=True)  # any number of closed visits
        _visit(connection, member, closed=False)
        with pytest.raises(IntegrityError), connection.begin_nested():
            _visit(connection, member, closed=False)
        transaction.rollback()


def test_deleting_a_user_cascades_to_member_and_visits(engine: Engine) -> None:
    with engine.connect() as connection, connection.begin() as transaction:
        member = _insert_member(connection)
        _visit(connection, member, closed=True)
        user_id = connection.execute(
            select(Member.__table__.c.user_id).where(Member.__table__.c.id == member)
        ).scalar()
        connection.execute(delete(User.__table__).where(User.__table__.c.id == user_id))
        visits = connection.execute(
            select(func.count()).select_from(CheckIn.__table__).where(CheckIn.__table__.c.member_id == member)
        ).scalar()
        assert visits == 0
        transaction.rollback()


@pytest.mark.parametrize("fresh_engine", ENGINES, indirect=True)
def test_members_found_before_the_search_text_change_are_found_after_it(fresh_engine: Engine) -> None:
    """0005 starts every member's search text with a space (a word prefix is then one pattern); a
    database with members keeps finding them by word start, and downgrading gives the old text back."""
    migrate(fresh_engine, "0004")
    user_id, member_id = uuid.uuid4(), uuid.uuid4()
    with fresh_engine.begin() as connection:
        connection.execute(
            insert(User.__table__).values(
                id=user_id, email="jo@example.com", password_hash="!", full_name="Jo Li", role="MEMBER"
            )
        )
        connection.execute(
            insert(Member.__table__).values(
                id=member_id,
                user_id=user_id,
                full_name="Jo Li",
                membership_start=date(2026, 1, 1),
                membership_end=date(2027, 1, 1),
                search_text="jo li jo@example.com",
            )
        )
    migrate(fresh_engine)
    with fresh_engine.connect() as connection:
        assert connection.execute(select(Member.search_text)).scalar_one() == " jo li jo@example.com"
        found = connection.execute(select(Member.id).where(Member.search_text.like("% li%"))).scalars().all()
        assert found == [member_id]
    downgrade(fresh_engine, "0004")
    with fresh_engine.connect() as connection:
        assert connection.execute(select(Member.search_text)).scalar_one() == "jo li jo@example.com"


@pytest.mark.parametrize("fresh_engine", ENGINES, indirect=True)
def test_0014_indexes_the_words_of_members_already_there_and_keeps_them(fresh_engine: Engine) -> None:
    """Upgrading splits every member's search text into words; the triggers then follow each write
    (a text no JSON array can hold on SQLite, a control character, gets no words, never a failed write);
    downgrading takes the table and the triggers away and leaves the members."""
    migrate(fresh_engine, "0013")
    ids = {}
    with fresh_engine.begin() as connection:
        for name, text in (("Jo Li", " jo li jo@example.com 4915123"), ("Odd One", ' odd "one\x01')):
            user_id, ids[name] = uuid.uuid4(), uuid.uuid4()
            email = f"{name.split()[0].lower()}@example.com"
            connection.execute(
                insert(User.__table__).values(
                    id=user_id, email=email, password_hash="!", full_name=name, role="MEMBER"
                )
            )
            connection.execute(
                insert(Member.__table__).values(
                    id=ids[name],
                    user_id=user_id,
                    full_name=name,
                    membership_start=date(2026, 1, 1),
                    membership_end=date(2027, 1, 1),
                    search_text=text,
                )
            )
    migrate(fresh_engine, "0014")
    words = table("member_search_words", column("word"), column("member_id"))

    def words_of(name: str) -> set[str]:
        with fresh_engine.connect() as connection:
            found = connection.execute(select(words.c.word, words.c.member_id)).all()
            return {word for word, member_id in found if str(member_id).replace("-", "") == ids[name].hex}

    assert words_of("Jo Li") == {"jo", "li", "jo@example.com", "4915123"}
    with fresh_engine.begin() as connection:
        connection.execute(
            Member.__table__.update()
            .where(Member.__table__.c.id == ids["Jo Li"])
            .values(search_text=" jo lee")
        )
        connection.execute(
            Member.__table__.update().where(Member.__table__.c.id == ids["Odd One"]).values(full_name="Odd")
        )
    assert words_of("Jo Li") == {"jo", "lee"}
    assert words_of("Odd One") in ({"odd", '"one\x01'}, set())  # PostgreSQL splits it, SQLite skips it
    downgrade(fresh_engine, "0013")
    with fresh_engine.begin() as connection:
        assert "member_search_words" not in inspect(connection).get_table_names()
        connection.execute(Member.__table__.update().values(search_text=" after"))  # no trigger left
        assert connection.execute(select(func.count()).select_from(Member.__table__)).scalar_one() == 2


@pytest.mark.parametrize("fresh_engine", ENGINES, indirect=True)
def test_a_database_seeded_before_0008_gets_its_demo_accounts_marked(fresh_engine: Engine) -> None:
    """0008 marks what only the seed writes (its five trainers; @example.com members sharing one
    password hash) and nothing else; undoing it keeps every user and member."""
    migrate(fresh_engine, "0007")
    users = [
        ("admin@thrust.com", "ADMIN", "$2b$12$admin"),
        ("marcus.reid@thrust.com", "TRAINER", "$2b$12$trainer"),
        ("chloe.laurent@thrust.com", "TRAINER", "$2b$12$trainer"),
        ("coach@irontemple.example", "TRAINER", "$2b$12$coach"),
        ("ana.ruiz.1@example.com", "MEMBER", "$2b$12$member"),
        ("bo.li.2@example.com", "MEMBER", "$2b$12$member"),
        ("signed.up@example.com", "MEMBER", "$2b$12$own"),  # signed up with a password of their own
        ("imported.1@example.com", "MEMBER", "!"),  # imported: no password yet, like every import
        ("imported.2@example.com", "MEMBER", "!"),
        ("real@gmail.com", "MEMBER", "$2b$12$member"),
    ]
    with fresh_engine.begin() as connection:
        for email, role, password_hash in users:
            user_id = uuid.uuid4()
            connection.execute(
                insert(User.__table__).values(id=user_id, email=email, password_hash=password_hash, role=role)
            )
            if role == "MEMBER":
                connection.execute(
                    insert(Member.__table__).values(
                        id=uuid.uuid4(),
                        user_id=user_id,
                        full_name=email,
                        membership_start=date(2026, 1, 1),
                        membership_end=date(2027, 1, 1),
                    )
                )
    migrate(fresh_engine)
    with fresh_engine.connect() as connection:
        demo = connection.execute(select(User.email).where(User.is_demo).order_by(User.email)).scalars().all()
    assert demo == [
        "ana.ruiz.1@example.com",
        "bo.li.2@example.com",
        "chloe.laurent@thrust.com",
        "marcus.reid@thrust.com",
    ]
    downgrade(fresh_engine, "0007")
    assert "is_demo" not in {column["name"] for column in inspect(fresh_engine).get_columns("users")}
    with fresh_engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(User.__table__)).scalar() == len(users)
        assert connection.execute(select(func.count()).select_from(Member.__table__)).scalar() == 6


def _catalog_counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        exercises = connection.execute(select(func.count()).select_from(Exercise.__table__)).scalar_one()
        muscles = connection.execute(select(func.count()).select_from(ExerciseMuscle.__table__)).scalar_one()
    return exercises, muscles


@pytest.mark.parametrize("fresh_engine", ENGINES, indirect=True)
def test_0011_brings_the_exercise_catalog_once_and_takes_it_away_again(fresh_engine: Engine) -> None:
    """The shipped file's 873 exercises arrive with the tables, each with the id its catalog id gives it in
    every database and a row per muscle; loading again adds nothing; undoing 0011 removes the tables,
    redoing it brings the same catalog back."""
    entries = read_catalog()
    muscle_rows = sum(len(set(e.primary_muscles) | set(e.secondary_muscles)) for e in entries)
    migrate(fresh_engine)
    assert _catalog_counts(fresh_engine) == (873, muscle_rows)
    with fresh_engine.connect() as connection:
        squat = connection.execute(
            select(Exercise.__table__).where(Exercise.__table__.c.source_id == "Barbell_Full_Squat")
        ).one()
        stretches = connection.execute(
            select(func.count())
            .select_from(Exercise.__table__)
            .where(Exercise.__table__.c.equipment == "none")
        ).scalar_one()
    assert squat.id == catalog_id("Barbell_Full_Squat")
    assert (squat.name, squat.level, squat.equipment, squat.primary_muscles) == (
        "Barbell Full Squat",
        "intermediate",
        "barbell",
        ["quadriceps"],
    )
    assert squat.search_name == exercise_search_text("Barbell Full Squat") and not squat.is_custom
    assert squat.instructions is None  # the shipped catalog has no instruction texts
    assert stretches == 77  # the file leaves their equipment out

    with fresh_engine.begin() as connection:
        assert load_catalog(connection) == 0
    assert _catalog_counts(fresh_engine) == (873, muscle_rows)

    downgrade(fresh_engine, "0010")
    assert not {"exercises", "exercise_muscles"} & set(inspect(fresh_engine).get_table_names())
    migrate(fresh_engine)
    assert _catalog_counts(fresh_engine) == (873, muscle_rows)


def _custom(connection: Connection, name: str, *, source_id: str | None = None) -> None:
    connection.execute(
        insert(Exercise.__table__).values(
            id=uuid.uuid4(),
            source_id=source_id,
            name=name,
            search_name=exercise_search_text(name),
            level="beginner",
            category="strength",
            equipment="other",
            primary_muscles=["chest"],
            secondary_muscles=[],
            is_custom=source_id is None,
        )
    )


def test_the_database_keeps_custom_exercise_names_apart_and_catalog_ids_unique(engine: Engine) -> None:
    """Two custom exercises may not share a name (case, accents and punctuation aside), while one may be
    named like a catalog exercise as far as the database is concerned (the service asks for another
    name); a catalog id is unique, and a row is either a catalog one (with its id) or custom (without)."""
    with engine.connect() as connection, connection.begin() as transaction:
        _custom(connection, "Landmine Press")
        with pytest.raises(IntegrityError), connection.begin_nested():
            _custom(connection, "landmine-PRESS")
        _custom(connection, "Barbell Full Squat")  # the catalog's name, but a custom row
        with pytest.raises(IntegrityError), connection.begin_nested():
            _custom(connection, "Another Squat", source_id="Barbell_Full_Squat")
        with pytest.raises(IntegrityError), connection.begin_nested():
            connection.execute(
                Exercise.__table__.update()
                .where(Exercise.__table__.c.name == "Landmine Press")
                .values(source_id="Landmine_Press")  # still marked custom
            )
        transaction.rollback()


@pytest.mark.parametrize("fresh_engine", ENGINES, indirect=True)
def test_a_member_with_several_active_plans_before_0012_keeps_the_newest_active(fresh_engine: Engine) -> None:
    """0012 allows one active plan per member: older active plans are deactivated (not deleted), every
    plan starts at version 1, and the database then refuses a second active plan. Undoing it keeps
    every plan and its progress."""
    migrate(fresh_engine, "0011")
    plans = table("workout_plans")
    with fresh_engine.begin() as connection:
        ana, bo = _insert_member(connection), _insert_member(connection)
        author = connection.execute(
            select(Member.__table__.c.user_id).where(Member.__table__.c.id == ana)
        ).scalar()
        t0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
        rows = {
            "ana old": (ana, t0, True),
            "ana newest": (ana, t0 + timedelta(days=9), True),
            "ana middle": (ana, t0 + timedelta(days=3), True),
            "ana draft": (ana, t0 + timedelta(days=20), False),
            "bo only": (bo, t0, True),
        }
        ids = {}
        for title, (member, created, active) in rows.items():
            ids[title] = uuid.uuid4()
            connection.execute(
                insert(WorkoutPlan.__table__).values(
                    id=ids[title],
                    member_id=member,
                    created_by=author,
                    title=title,
                    plan_data={"weeks": []},
                    is_active=active,
                    created_at=created,
                    updated_at=created,
                )
            )
        connection.execute(
            insert(WorkoutProgress.__table__).values(
                id=uuid.uuid4(), plan_id=ids["ana old"], week_number=1, day_number=1, completed=True
            )
        )
    migrate(fresh_engine)
    columns = WorkoutPlan.__table__.c
    with fresh_engine.connect() as connection:
        active = connection.execute(select(columns.title).where(columns.is_active).order_by(columns.title))
        assert active.scalars().all() == ["ana newest", "bo only"]
        assert set(connection.execute(select(columns.version)).scalars()) == {1}
        assert connection.execute(select(func.count()).select_from(plans)).scalar() == len(rows)
    with fresh_engine.connect() as connection, connection.begin() as transaction:
        with pytest.raises(IntegrityError), connection.begin_nested():
            connection.execute(
                WorkoutPlan.__table__.update().where(columns.id == ids["ana draft"]).values(is_active=True)
            )
        transaction.rollback()
    downgrade(fresh_engine, "0011")
    assert "version" not in {column["name"] for column in inspect(fresh_engine).get_columns("workout_plans")}
    with fresh_engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(plans)).scalar() == len(rows)
        progress = select(func.count()).select_from(table("workout_progress"))
        assert connection.execute(progress).scalar() == 1


def _revisions() -> list[str]:
    """Every revision, oldest first."""
    scripts = ScriptDirectory.from_config(alembic_config())
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]


def _row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        names = sorted(set(inspect(connection).get_table_names()) - {"alembic_version"})
        return {
            name: connection.execute(select(func.count()).select_from(table(name))).scalar_one()
            for name in names
        }


@pytest.mark.parametrize("fresh_engine", ENGINES, indirect=True)
def test_every_revision_downgrades_and_upgrades_again_with_data_in_the_tables(fresh_engine: Engine) -> None:
    """Step by step, with a gym's rows in every table: undoing a revision keeps the rows of the tables
    that stay (SQLite rebuilds a table to drop a column: its children's rows must survive that), and
    doing it again keeps them too. The last step ends where the models are."""
    revisions = _revisions()
    migrate(fresh_engine, revisions[0])
    add_gym(fresh_engine)
    for previous, revision in pairwise(revisions):
        migrate(fresh_engine, revision)
        if revision == revisions[-1]:
            add_gym(fresh_engine, tag="-head")  # rows in the newest tables too
        before = _row_counts(fresh_engine)
        downgrade(fresh_engine, previous)
        after_down = _row_counts(fresh_engine)
        assert after_down == {name: rows for name, rows in before.items() if name in after_down}, revision
        migrate(fresh_engine, revision)
        again = _row_counts(fresh_engine)
        assert {name: again[name] for name in after_down} == after_down, revision
    assert _schema_diff(fresh_engine) == []
