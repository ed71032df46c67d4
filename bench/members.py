"""Benchmark the members directory server-side: search, list pages, bulk actions and CSV export.

    PYTHONPATH=. .venv/bin/python bench/members.py              # PostgreSQL 100,000 + SQLite 100,000
    PYTHONPATH=. .venv/bin/python bench/members.py --keep       # keep the seeded databases, print their URLs
    PYTHONPATH=. .venv/bin/python bench/members.py --pg-url URL --sqlite-url URL   # reuse them
    PYTHONPATH=. .venv/bin/python bench/members.py --members 1000000 --pg-only --explain

Targets (issue 17, p95 server-side): PostgreSQL search <= 5 ms and list page <= 10 ms, as admin and as
trainer, freshly vacuumed and after check-ins; the API's search <= 15 ms with estimated counts and
<= 30 ms counted exactly. SQLite search <= 5 ms, list page <= 15 ms. Also a bulk action on 10,000 members
<= 2 s, and exporting every row keeps memory flat.

Times are the service call as the members page makes it (a session, `list_members` with the page's
capped count, the rows shaped) or as the API does (`list_members_counted`), measured in this process
after one untimed pass over the mix (a running server's statements are built and prepared); each query
runs several times. Deep pages are read from the cursor of the row before them, as a client paging on
with nextCursor arrives there. After the check-ins, the trigram index's pending entries are merged as
the server's minute job does (thrust/members/jobs.py).

PostgreSQL is seeded by COPY (bench/member_seed.py: the demo's people without their visits, a million in
under a minute); SQLite with the same people by batched inserts. `--explain` prints EXPLAIN (ANALYZE,
BUFFERS) of the statements the service sends for the slowest shape of each kind.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, event, text
from sqlmodel import Session, func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.databases import migrate, throwaway_postgres  # noqa: E402
from bench.member_seed import seed_members, seed_members_sqlite  # noqa: E402
from thrust.auth.rbac import Actor  # noqa: E402
from thrust.core.db import build_engine  # noqa: E402
from thrust.members import bulk, csv_export, directory  # noqa: E402
from thrust.members.directory_sql import sort_keys  # noqa: E402
from thrust.members.jobs import tidy_search_index  # noqa: E402
from thrust.members.search import Cursor, MemberFilters, SortKey, parse_filters, shape_of  # noqa: E402
from thrust.models import Member, Role, User  # noqa: E402


@dataclass(frozen=True)
class Targets:
    search: float
    listing: float
    api_estimated: float | None = None
    api_exact: float | None = None


# Issue 17's targets (server-side p95, ms).
POSTGRES_TARGETS = Targets(search=5.0, listing=10.0, api_estimated=15.0, api_exact=30.0)
SQLITE_TARGETS = Targets(search=5.0, listing=15.0)
BULK_SECONDS = 2.0

# What people type into the search box: common names (several locales, accents), partial words,
# phone digits, an email fragment, and the one- and two-letter prefixes of the first keystrokes.
SEARCHES = (
    "smith",
    "maria",
    "kumar",
    "müller",
    "garcia",
    "martinez",
    "laurent",
    "john",
    "anders",
    "mar",
    "son",
    "ette",
    "li",
    "ng",
    "a",
    "m",
    "jo",
    "sh",
    "zz",
    "xq",  # nothing matches
    "maria garcia",
    "jean dup",
    "555",
    "98200",
    "+49 151",
    "0142",
    "@example",
    "sam.lee",
)
FILTERS: tuple[dict[str, str], ...] = (
    {},
    {"status": "ACTIVE"},
    {"status": "FROZEN"},
    {"tier": "VIP"},
    {"tier": "PREMIUM", "status": "ACTIVE"},
    {"trainerId": "none"},
    {"trainerId": "<trainer>"},
    {"trainerId": "<trainer>", "status": "ACTIVE"},
    {"expiringWithinDays": "7"},
    {"expiringWithinDays": "30", "status": "ACTIVE"},
    {"expired": "true"},
    {"expired": "true", "tier": "VIP"},
)
SORTS = (
    {"sort": "name", "order": "asc"},
    {"sort": "name", "order": "desc"},
    {"sort": "membershipEnd", "order": "asc"},
    {"sort": "membershipEnd", "order": "desc"},
    {"sort": "lastVisit", "order": "desc"},
    {"sort": "lastVisit", "order": "asc"},
)
REPEATS = 5


@dataclass
class Timing:
    label: str
    samples: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def worst(self) -> float:
        return max(self.samples)


# -- databases -------------------------------------------------------------------------------------


def _vacuum(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE members"))


def _seed(url: str, members: int) -> None:
    migrate(url)
    if url.startswith("postgresql"):
        print(f"  seeded {members:,} members by COPY in {seed_members(url, members)}")
        gc.collect()
        gc.freeze()
        return
    print(f"  seeded {members:,} members by batched inserts in {seed_members_sqlite(url, members)}")
    # The seed's millions of short-lived objects are gone; don't let the collector's passes over what
    # survived (caches, modules) land inside the timed calls of a server-like process.
    gc.collect()
    gc.freeze()


@contextmanager
def pg_database(members: int, url: str | None, keep: bool) -> Iterator[str]:
    if url:
        yield url
        return
    with throwaway_postgres("thrust_bench_members", keep=keep) as url:
        _seed(url, members)
        yield url


@contextmanager
def sqlite_database(members: int, url: str | None, keep: bool) -> Iterator[str]:
    if url:
        yield url
        return
    folder = tempfile.mkdtemp(prefix="thrust_bench_members_")
    url = f"sqlite:///{folder}/bench.db"
    _seed(url, members)
    yield url
    if keep:
        print(f"  kept SQLite database: {url}")
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{folder}/bench.db{suffix}").unlink(missing_ok=True)
        os.rmdir(folder)


def _actors(engine: Engine) -> tuple[Actor, Actor, str]:
    with Session(engine) as session:
        admin = session.exec(select(User).where(User.role == Role.ADMIN)).first()
        trainer = session.exec(select(User).where(User.role == Role.TRAINER).order_by(User.email)).first()
        assert admin and trainer, "the database has no demo staff"
        return (
            Actor(admin.id, admin.email, Role.ADMIN),
            Actor(trainer.id, trainer.email, Role.TRAINER),
            str(trainer.id),
        )


# -- timing ----------------------------------------------------------------------------------------


def _list(session: Session, actor: Actor, filters: MemberFilters, exact: bool | None) -> directory.MemberPage:
    """As the members page asks (`exact` None: a search counted up to 500, a list up to 10,000), or as
    the API does (`count=exact`: True; the default estimated count: False)."""
    if exact is None:
        return directory.list_members(session, actor, filters, count_up_to=directory.count_limit_for(filters))
    return directory.list_members_counted(session, actor, filters, exact=exact)


def _filters(engine: Engine, raw: dict[str, str]) -> MemberFilters:
    """The filters; `deep` (a row number) becomes the cursor of the row before it, as a client paging
    on with nextCursor arrives there."""
    raw = dict(raw)
    deep = raw.pop("deep", None)
    filters = parse_filters(raw)
    if deep is None:
        return filters
    shape, _ = shape_of(filters, date.min)
    keys = sort_keys(shape)  # the directory's own order
    column = {SortKey.NAME: Member.full_name, SortKey.MEMBERSHIP_END: Member.membership_end}.get(
        filters.sort, Member.last_visit_at
    )
    with Session(engine) as session:
        row = (
            int(deep) if deep != "half" else session.exec(select(func.count()).select_from(Member)).one() // 2
        )
        value, member_id = session.exec(
            select(column, Member.id).order_by(*keys).offset(row - 1).limit(1)
        ).one()
    return dataclasses.replace(
        filters, after=Cursor.after_row(filters.sort, filters.descending, value, member_id, False)
    )


def _time(engine: Engine, actor: Actor, raw: dict[str, str], exact: bool | None) -> list[float]:
    samples = []
    filters = _filters(engine, raw)
    for attempt in range(REPEATS + 1):
        started = time.perf_counter()
        with Session(engine, expire_on_commit=False) as session:
            page = _list(session, actor, filters, exact)
            rows = [(row.id, row.full_name, row.membership_cue) for row in page.rows]
        elapsed = (time.perf_counter() - started) * 1000
        assert len(rows) <= filters.limit
        if attempt:  # the first run warms caches and the plan
            samples.append(elapsed)
    return samples


def directory_timings(
    engine: Engine, actor: Actor, trainer_id: str, *, exact: bool | None = None
) -> tuple[Timing, Timing, list[tuple[float, dict[str, str], str]]]:
    """The search and list-page timings, and every shape's slowest call (ms, query, kind), slowest first."""
    search: list[float] = []
    listing: list[float] = []
    slowest: list[tuple[float, dict[str, str], str]] = []

    def run(raw: dict[str, str], into: list[float]) -> None:
        raw = {k: (trainer_id if v == "<trainer>" else v) for k, v in raw.items()}
        samples = _time(engine, actor, raw, exact)
        into.extend(samples)
        slowest.append((max(samples), raw, "search" if into is search else "list page"))

    for query in SEARCHES:
        run({"q": query}, search)
    for query in ("smith", "mar", "a", "555"):
        for sort in SORTS:
            run({"q": query, **sort}, search)
    for raw_filter in FILTERS:
        for sort in SORTS:
            run({**raw_filter, **sort}, listing)
        run({**raw_filter, "page": "3"}, listing)
        run({**raw_filter, "limit": "100"}, listing)
        for query in ("mar", "li", "kumar"):
            run({**raw_filter, "q": query}, listing)
    for page in ("40", "400"):  # by offset, as far as `page` reaches (row 10,000)
        run({"page": page}, listing)
        run({"page": page, "sort": "lastVisit", "order": "desc"}, listing)
    for row in ("12000", "half"):  # deeper, on from the cursor of the row before
        for sort in SORTS:
            run({"deep": row, **sort}, listing)
    slowest.sort(key=lambda item: -item[0])
    return Timing("search", search), Timing("list page", search + listing), slowest


def churn(engine: Engine, check_ins: int) -> None:
    """Check-ins update members.last_visit_at: do that for `check_ins` random members, then no vacuum,
    as a busy day leaves the table (its visibility map mostly dirty) until autovacuum comes round."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(
                text(
                    "UPDATE members SET last_visit_at = now() WHERE id IN "
                    "(SELECT id FROM members ORDER BY random() LIMIT :n)"
                ),
                {"n": check_ins},
            )
        else:
            connection.execute(
                text(
                    "UPDATE members SET last_visit_at = CURRENT_TIMESTAMP WHERE id IN "
                    "(SELECT id FROM members ORDER BY random() LIMIT :n)"
                ),
                {"n": check_ins},
            )


def bulk_timing(engine: Engine, actor: Actor) -> tuple[int, float, float]:
    """Freeze every VIP member (about 10% of the club) by filter, in one transaction, rolled back."""
    filters = parse_filters({"tier": "VIP"})
    with Session(engine) as session:
        started = time.perf_counter()
        count = bulk.count_targets(session, actor, filters=filters)
        counted = time.perf_counter() - started
        started = time.perf_counter()
        updated = bulk.apply_bulk_action(session, actor, bulk.BulkAction.FREEZE, filters=filters)
        session.flush()
        applied = time.perf_counter() - started
        session.rollback()
    assert updated == count
    return updated, counted, applied


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_memory(engine: Engine, actor: Actor, raw: dict[str, str]) -> tuple[int, int, float, float, float]:
    """Stream the export; return (rows, bytes, tracemalloc peak MB, RSS growth MB, seconds)."""
    filters = parse_filters(raw)
    gc.collect()
    rss_before = _rss_mb()
    rss_peak = rss_before
    tracemalloc.start()
    started = time.perf_counter()
    size = lines = 0
    with Session(engine, expire_on_commit=False) as session:
        for index, chunk in enumerate(csv_export.export_members(session, actor, filters)):
            size += len(chunk.encode())
            lines += chunk.count("\n")
            if index % 50 == 0:
                rss_peak = max(rss_peak, _rss_mb())
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return lines - 1, size, peak / 2**20, max(rss_peak, _rss_mb()) - rss_before, seconds


# -- report ------------------------------------------------------------------------------------------


def _verdict(value: float, target: float) -> str:
    return "met" if value <= target else "MISSED"


def _samples(engine: Engine, actor: Actor, trainer_id: str) -> list[tuple[dict[str, str], list[float]]]:
    """Each search once more, with its samples (to name the slow ones)."""
    raws = [{"q": q} for q in SEARCHES] + [
        {"q": q, **sort} for q in ("smith", "mar", "a", "555") for sort in SORTS
    ]
    return [(raw, _time(engine, actor, raw, None)) for raw in raws]


def warm_up(engine: Engine) -> None:
    """One untimed pass over the whole mix, as each role and counted both ways: a running server has
    built its statements, and the driver has prepared them, before the first member walks in."""
    admin, trainer, trainer_id = _actors(engine)
    for actor in (admin, trainer):
        for exact in (None, False, True):
            directory_timings(engine, actor, trainer_id, exact=exact)


def explain(engine: Engine, actor: Actor, raw: dict[str, str], *, exact: bool | None) -> None:
    """Print EXPLAIN (ANALYZE, BUFFERS) of each statement the service sends for this query, as the members
    page (`exact` None: capped count) or the API (estimated or exact) asks it: captured from one call,
    then run again explained, with the same parameters (planned for those values, as the driver's first
    executions are)."""
    sent: list[tuple[str, object]] = []

    def capture(_conn: object, _cursor: object, statement: str, parameters: object, *_: object) -> None:
        sent.append((statement, parameters))

    filters = _filters(engine, raw)
    event.listen(engine, "before_cursor_execute", capture)
    try:
        with Session(engine, expire_on_commit=False) as session:
            _list(session, actor, filters, exact)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    with engine.connect() as connection:
        for statement, parameters in sent:
            if "set_config" in statement:  # as the service set it for its statements
                connection.exec_driver_sql(statement)
                continue
            if (
                not statement.lstrip().upper().startswith(("SELECT", "WITH", "EXPLAIN"))
                or "members" not in statement
            ):
                continue  # SET TRANSACTION, the gym's timezone and the like
            if statement.startswith("EXPLAIN"):  # the estimate: the planner's, nothing runs
                print("      (the count's estimate: EXPLAIN of the count, planned only)")
                continue
            plan = connection.exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS) " + statement,
                parameters,  # type: ignore[arg-type]  # the driver's own parameters, as captured
            )
            print("      " + "\n      ".join(str(line) for line in plan.scalars()))
        connection.rollback()


def _explain_slowest(
    engine: Engine, admin: Actor, slowest: dict[str, tuple[float, dict[str, str], bool | None]]
) -> None:
    """The plans of the slowest shape of each kind."""
    for kind, (ms, raw, exact) in slowest.items():
        print(f"    plan of the slowest {kind} ({ms:.1f} ms): {raw}")
        explain(engine, admin, raw, exact=exact)


def report_directory(engine: Engine, targets: Targets, *, plans: bool = False) -> bool:
    """Search and list p95 as admin and as trainer (the members page), and the API's searches counted
    both ways; each against its target."""
    admin, trainer, trainer_id = _actors(engine)
    ok = True
    slowest: dict[str, tuple[float, dict[str, str], bool | None]] = {}
    for who, actor in (("admin", admin), ("trainer", trainer)):
        search, listing, worst = directory_timings(engine, actor, trainer_id)
        for timing, target in ((search, targets.search), (listing, targets.listing)):
            ok &= timing.p95 <= target
            print(
                f"  {who:<7} {timing.label:<10} p50 {timing.p50:6.2f} ms  p95 {timing.p95:6.2f} ms"
                f"  max {timing.worst:6.2f} ms  ({len(timing.samples)} calls)"
                f"  target p95 <= {target:.0f} ms: {_verdict(timing.p95, target)}"
            )
        print(f"  {who:<7} slowest: " + "; ".join(f"{ms:.1f} ms {raw}" for ms, raw, _ in worst[:4]))
        if who == "admin":
            for kind in ("search", "list page"):
                ms, raw, _ = next(item for item in worst if item[2] == kind)
                slowest[kind] = (ms, raw, None)
    for exact, target, label in (
        (False, targets.api_estimated, "estimated"),
        (True, targets.api_exact, "exact"),
    ):
        if target is None:
            continue
        search, listing, worst = directory_timings(engine, admin, trainer_id, exact=exact)
        ok &= search.p95 <= target
        print(
            f"  API, counts {label:<9}: search p95 {search.p95:6.2f} ms (target <= {target:.0f} ms:"
            f" {_verdict(search.p95, target)}), list p95 {listing.p95:6.2f} ms"
        )
        ms, raw, _ = next(item for item in worst if item[2] == "search")
        slowest[f"API search ({label} count)"] = (ms, raw, exact)
    if plans and engine.dialect.name == "postgresql":
        _explain_slowest(engine, admin, slowest)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-members", "--members", type=int, default=100_000)
    parser.add_argument("--sqlite-members", type=int, default=100_000)
    parser.add_argument("--pg-url", help="an already seeded PostgreSQL database (not dropped)")
    parser.add_argument("--sqlite-url", help="an already seeded SQLite database (not deleted)")
    parser.add_argument("--skip-sqlite", "--pg-only", action="store_true")
    parser.add_argument(
        "--check-ins",
        type=int,
        help="check-ins before the second PostgreSQL run (default: a twentieth of the members)",
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the plans of the slowest shapes (PostgreSQL)"
    )
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the databases this run seeds")
    args = parser.parse_args()
    ok = True

    if not args.skip_pg:
        print(f"PostgreSQL, {args.pg_members:,} members")
        with pg_database(args.pg_members, args.pg_url, args.keep) as url:
            engine = build_engine(url)
            warm_up(engine)
            _vacuum(engine)
            print("  freshly vacuumed:")
            ok &= report_directory(engine, POSTGRES_TARGETS, plans=args.explain)
            check_ins = args.pg_members // 20 if args.check_ins is None else args.check_ins
            churn(engine, check_ins)
            # A running server merges what check-ins leave pending in the search index every minute.
            merged = tidy_search_index(engine)
            print(
                f"  after {check_ins:,} check-ins since the last vacuum"
                f" (the minute's search-index tidy-up merged {merged} pages):"
            )
            ok &= report_directory(engine, POSTGRES_TARGETS, plans=args.explain)
            admin, _, _ = _actors(engine)
            small = export_memory(engine, admin, {"tier": "VIP"})
            full = export_memory(engine, admin, {})
            for rows, size, peak, rss, seconds in (small, full):
                print(
                    f"  export    {rows:>7,} rows, {size / 2**20:5.1f} MB of CSV in {seconds:4.1f} s:"
                    f" tracemalloc peak {peak:5.2f} MB, RSS growth {rss:5.1f} MB"
                )
            flat = full[2] <= max(2 * small[2], small[2] + 2)
            print(
                "  export memory flat (peak for all rows within 2x of a tenth): "
                + ("met" if flat else "MISSED")
            )
            ok &= flat
            # Last: the rolled-back update leaves dead rows behind until autovacuum comes.
            updated, counted, applied = bulk_timing(engine, admin)
            print(
                f"  bulk      freeze {updated:,} members (by filter): count {counted * 1000:.0f} ms,"
                f" update {applied * 1000:.0f} ms"
                f"  target <= {BULK_SECONDS:.0f} s: {_verdict(applied, BULK_SECONDS)}"
            )
            ok &= applied <= BULK_SECONDS
            engine.dispose()

    if not args.skip_sqlite:
        print(f"SQLite, {args.sqlite_members:,} members")
        with sqlite_database(args.sqlite_members, args.sqlite_url, args.keep) as url:
            engine = build_engine(url)
            warm_up(engine)
            ok &= report_directory(engine, SQLITE_TARGETS)
            admin, _, _ = _actors(engine)
            updated, counted, applied = bulk_timing(engine, admin)
            print(
                f"  bulk      freeze {updated:,} members (by filter): count {counted * 1000:.0f} ms,"
                f" update {applied * 1000:.0f} ms"
            )
            engine.dispose()
    print("all targets met" if ok else "SOME TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
