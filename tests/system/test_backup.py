"""`backup` and `restore` on both engines and across them: every row back, a busy database copied
whole, a database with data kept unless --replace, old backups migrated, bad files refused."""

from __future__ import annotations

import sqlite3
import stat
import threading
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select

from tests.conftest import ENGINES, Databases, migrate
from tests.gym_rows import add_gym, every_row
from tests.system.conftest import Cli
from thrust.core.db import build_engine
from thrust.models import Member, Role, User
from thrust.system.backup import backup, read_backup
from thrust.system.copying import current_revision, head_revision

PAIRS = [(kind, kind) for kind in ENGINES] + [("sqlite", "postgresql"), ("postgresql", "sqlite")]


@pytest.fixture
def engines() -> Iterator[list[Engine]]:
    """Engines a test builds, disposed at its end (PostgreSQL databases are dropped by `databases`)."""
    made: list[Engine] = []
    yield made
    for engine in made:
        engine.dispose()


def _database(databases: Databases, engines: list[Engine], kind: str, revision: str | None = "head") -> str:
    url = databases.new_url(kind)
    engine = build_engine(url)
    engines.append(engine)
    if revision is not None:
        migrate(engine, revision)
    return url


def _engine(url: str, engines: list[Engine]) -> Engine:
    engine = build_engine(url)
    engines.append(engine)
    return engine


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return current_revision(connection)


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


@pytest.mark.parametrize(("source_kind", "target_kind"), PAIRS)
def test_a_backup_restores_every_row_into_an_empty_database(
    databases: Databases, engines: list[Engine], cli: Cli, tmp_path: Path, source_kind: str, target_kind: str
) -> None:
    source_url = _database(databases, engines, source_kind)
    source = _engine(source_url, engines)
    add_gym(source)
    file = tmp_path / "gym.sqlite3"

    made = cli("backup", str(file), database_url=source_url)
    assert made.code == 0, made.err
    assert f"to {file}" in made.out and "rows" in made.out
    assert stat.S_IMODE(file.stat().st_mode) == 0o600  # password hashes and personal data inside
    assert not list(tmp_path.glob(".*partial"))

    target_url = _database(databases, engines, target_kind, revision=None)  # never migrated
    restored = cli("restore", str(file), database_url=target_url)
    assert restored.code == 0, restored.err
    target = _engine(target_url, engines)
    assert _revision(target) == head_revision()
    assert every_row(target) == every_row(source)


@pytest.mark.parametrize("kind", ENGINES)
def test_restore_refuses_a_database_with_data_unless_told_to_replace_it(
    databases: Databases, engines: list[Engine], cli: Cli, tmp_path: Path, kind: str
) -> None:
    source_url = _database(databases, engines, kind)
    source = _engine(source_url, engines)
    add_gym(source, members=2)
    file = tmp_path / "gym.sqlite3"
    assert cli("backup", str(file), database_url=source_url).code == 0

    target_url = _database(databases, engines, kind)
    target = _engine(target_url, engines)
    add_gym(target, members=1, tag="-theirs")
    theirs = every_row(target)

    refused = cli("restore", str(file), database_url=target_url)
    assert refused.code == 1
    line = _one_error_line(refused.err)
    assert "is not empty" in line and "--replace" in line
    assert every_row(target) == theirs

    replaced = cli("restore", str(file), "--replace", database_url=target_url)
    assert replaced.code == 0, replaced.err
    assert every_row(target) == every_row(source)


@pytest.mark.parametrize(
    ("source_kind", "target_kind"), [("sqlite", "sqlite"), ("sqlite", "postgresql"), ("postgresql", "sqlite")]
)
def test_a_backup_made_at_an_older_schema_restores_and_migrates_to_head(
    databases: Databases, engines: list[Engine], cli: Cli, tmp_path: Path, source_kind: str, target_kind: str
) -> None:
    source_url = _database(databases, engines, source_kind, revision="0004")
    source = _engine(source_url, engines)
    add_gym(source)
    old = every_row(source)
    file = tmp_path / "old.sqlite3"
    assert cli("backup", str(file), database_url=source_url).code == 0
    assert read_backup(file).revision == "0004"

    target_url = _database(databases, engines, target_kind, revision=None)
    restored = cli("restore", str(file), database_url=target_url)
    assert restored.code == 0, restored.err
    assert f"migrated from 0004 to {head_revision()}" in restored.out
    target = _engine(target_url, engines)
    assert _revision(target) == head_revision()
    now = every_row(target)
    for name in old.keys() - {"members"}:
        # Columns added by later revisions (users.is_demo) are not in the old rows.
        columns = set(old[name][0]) if old[name] else set()
        assert [{k: v for k, v in row.items() if k in columns} for row in now[name]] == old[name], name
    # 0005 ran on the restored rows: each member's search text now starts with a space.
    assert [{**row, "search_text": " " + row["search_text"]} for row in old["members"]] == now["members"]
    assert now["job_runs"] == []  # a table of a later revision, empty


def _sign_ups(engine: Engine, stop: threading.Event, done: list[int], errors: list[BaseException]) -> None:
    """Sign members up until told to stop: a user and its member in one transaction each."""
    try:
        while not stop.is_set():
            user = uuid.uuid4()
            with engine.begin() as connection:
                connection.execute(
                    insert(User.__table__).values(
                        id=user, email=f"{user.hex}@example.com", password_hash="!", role="MEMBER"
                    )
                )
                connection.execute(
                    insert(Member.__table__).values(
                        id=uuid.uuid4(),
                        user_id=user,
                        full_name="New Member",
                        membership_start=date(2026, 1, 1),
                        membership_end=date(2026, 12, 31),
                    )
                )
            done[0] += 1
    except BaseException as exc:  # reported by the test
        errors.append(exc)


@pytest.mark.parametrize("kind", ENGINES)
def test_a_backup_taken_while_members_sign_up_holds_each_sign_up_whole(
    databases: Databases, engines: list[Engine], tmp_path: Path, kind: str
) -> None:
    """Writers go on during the backup, and the file has every sign-up whole or not at all: each new
    member's user with its member row (copied one table after the other, from one snapshot)."""
    url = _database(databases, engines, kind)
    engine = _engine(url, engines)
    add_gym(engine, members=400)  # enough rows that the copy takes a while
    stop, done, errors = threading.Event(), [0], []
    writer = threading.Thread(target=_sign_ups, args=(engine, stop, done, errors))
    writer.start()
    try:
        while done[0] < 5 and writer.is_alive():
            stop.wait(0.01)
        info = backup(engine, tmp_path / "busy.sqlite3")
        during = done[0]
        while done[0] < during + 5 and writer.is_alive():  # and writers are not stuck after it
            stop.wait(0.01)
    finally:
        stop.set()
        writer.join()
    assert errors == []
    copy = build_engine(f"sqlite:///{info.path}")
    engines.append(copy)
    with copy.connect() as connection:
        members = connection.execute(select(func.count()).select_from(Member)).scalar_one()
        member_users = connection.execute(
            select(func.count()).select_from(User).where(User.role == Role.MEMBER)
        ).scalar_one()
    assert members == member_users >= 400 + 5
    assert info.rows["members"] == members
    assert done[0] > members - 400  # the writers went on after the backup's snapshot


def test_restore_says_what_is_wrong_with_a_file_and_changes_nothing(
    databases: Databases, engines: list[Engine], cli: Cli, tmp_path: Path
) -> None:
    url = _database(databases, engines, "sqlite")
    engine = _engine(url, engines)
    add_gym(engine)
    before = every_row(engine)
    good = tmp_path / "good.sqlite3"
    assert cli("backup", str(good), database_url=url).code == 0

    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 100)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    newer = tmp_path / "newer.sqlite3"
    newer.write_bytes(good.read_bytes())
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()

    cases = {
        tmp_path / "missing.sqlite3": "no such file",
        text: "is not a THRUST backup",
        other: "is not a THRUST backup",
        newer: "was made by a newer THRUST",
    }
    for path, message in cases.items():
        ran = cli("restore", str(path), "--replace", database_url=url)
        assert ran.code == 1
        assert message in _one_error_line(ran.err), path
    assert every_row(engine) == before


@pytest.mark.parametrize("kind", ENGINES)
def test_a_restore_that_fails_halfway_leaves_the_database_as_it_was(
    databases: Databases, engines: list[Engine], cli: Cli, tmp_path: Path, kind: str
) -> None:
    source_url = _database(databases, engines, "sqlite")
    add_gym(_engine(source_url, engines))
    file = tmp_path / "broken.sqlite3"
    assert cli("backup", str(file), database_url=source_url).code == 0
    with sqlite3.connect(file) as connection:  # a visit of a member the file does not have
        connection.execute(
            "INSERT INTO check_ins (id, member_id, check_in_time, auto_checked_out, created_at) "
            "VALUES (?, ?, '2026-03-01 10:00:00.000000', 0, '2026-03-01 10:00:00.000000')",
            (uuid.uuid4().hex, uuid.uuid4().hex),
        )
    connection.close()

    target_url = _database(databases, engines, kind)
    target = _engine(target_url, engines)
    add_gym(target, tag="-theirs")
    theirs = every_row(target)
    ran = cli("restore", str(file), "--replace", database_url=target_url)
    assert ran.code == 1
    assert "check_ins" in _one_error_line(ran.err)
    assert every_row(target) == theirs
    assert _revision(target) == head_revision()


def test_backup_refuses_to_overwrite_a_file_or_back_up_nothing(
    databases: Databases, engines: list[Engine], cli: Cli, tmp_path: Path
) -> None:
    url = _database(databases, engines, "sqlite")
    existing = tmp_path / "kept.sqlite3"
    existing.write_text("keep me")
    ran = cli("backup", str(existing), database_url=url)
    assert ran.code == 1 and "already exists" in _one_error_line(ran.err)
    assert existing.read_text() == "keep me"

    nothing = tmp_path / "none.db"
    ran = cli("backup", str(tmp_path / "x.sqlite3"), database_url=f"sqlite:///{nothing}")
    assert ran.code == 1 and "nothing to back up" in _one_error_line(ran.err)
    assert not nothing.exists()
