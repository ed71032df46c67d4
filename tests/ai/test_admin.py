"""The AI planner in Settings, the service side: who may look, this month's usage per user (the gym's
month), which provider is shown (never the key) and what "Test connection" says, on both engines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from tests.factories import actor_for, make_user
from tests.support import fake_openai as fake
from thrust.ai import admin
from thrust.core.errors import PermissionDenied
from thrust.core.settings import get_settings
from thrust.gym.service import get_gym
from thrust.models import AIUsageLog, Role, User

MARCH = date(2026, 3, 15)


def _log(db: Session, user_id: object, when: datetime, *, tokens: int = 1000, cost: float = 0.01) -> None:
    db.add(AIUsageLog(user_id=user_id, endpoint="generate-workout", model="gpt-4o-mini", tokens_used=tokens,
                      cost=cost, created_at=when))  # fmt: skip
    db.flush()


@pytest.fixture
def berlin(db: Session) -> None:
    get_gym(db).timezone = "Europe/Berlin"  # UTC+1 in early March
    db.flush()


def test_usage_per_user_this_month_in_the_gyms_time(db: Session, berlin: None) -> None:
    boss = make_user(db, role=Role.ADMIN, full_name="Alma Admin")
    coach = make_user(db, role=Role.TRAINER, full_name="Carl Coach")
    _log(db, coach.id, datetime(2026, 3, 2, 9, tzinfo=UTC), tokens=1200, cost=0.25)
    _log(db, coach.id, datetime(2026, 3, 10, 9, tzinfo=UTC), tokens=800, cost=0.5)
    # 00:30 on 1 March in Berlin: this month; 23:30 on 28 February there: last month.
    _log(db, boss.id, datetime(2026, 2, 28, 23, 30, tzinfo=UTC), tokens=500, cost=0.1)
    _log(db, boss.id, datetime(2026, 2, 28, 22, 30, tzinfo=UTC), tokens=9999, cost=9.0)

    usage = admin.month_usage(db, actor_for(boss), today=MARCH)

    assert usage.month == date(2026, 3, 1)
    assert [(u.name, u.role, u.calls, u.tokens) for u in usage.users] == [
        ("Carl Coach", "TRAINER", 2, 2000),  # the most expensive first
        ("Alma Admin", "ADMIN", 1, 500),
    ]
    assert usage.users[0].cost == pytest.approx(0.75) and usage.users[1].cost == pytest.approx(0.1)
    assert (usage.calls, usage.tokens, usage.cost) == (3, 2500, pytest.approx(0.85))
    assert usage.budget is None


def test_calls_of_a_removed_account_still_count(db: Session) -> None:
    boss = make_user(db, role=Role.ADMIN)
    gone = make_user(db, role=Role.TRAINER)
    gone_id = gone.id
    _log(db, gone_id, datetime.now(UTC), cost=0.2)
    db.delete(db.get(User, gone_id))
    db.flush()

    usage = admin.month_usage(db, actor_for(boss))

    assert [(u.name, u.role, u.calls) for u in usage.users] == [(admin.REMOVED_ACCOUNT, "", 1)]


def test_an_empty_month_and_the_budget(db: Session) -> None:
    boss = make_user(db, role=Role.ADMIN)
    get_gym(db).ai_monthly_budget_usd = 25.0
    _log(db, boss.id, datetime(2026, 2, 20, tzinfo=UTC))

    usage = admin.month_usage(db, actor_for(boss), today=MARCH)

    assert usage.users == () and (usage.calls, usage.tokens, usage.cost) == (0, 0, 0)
    assert usage.budget == 25.0


@pytest.mark.parametrize("role", [Role.TRAINER, Role.MEMBER])
def test_only_admins_see_usage_or_test_the_connection(db: Session, role: Role) -> None:
    someone = actor_for(make_user(db, role=role))
    with pytest.raises(PermissionDenied):
        admin.month_usage(db, someone)
    with pytest.raises(PermissionDenied):
        admin.check_connection(someone)


# -- the provider -------------------------------------------------------------------------------------


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_offline_the_built_in_planner_and_nothing_to_test(db: Session, no_model: None) -> None:
    boss = actor_for(make_user(db, role=Role.ADMIN))
    assert admin.provider_label() == "Built-in planner (no AI endpoint configured)"
    check = admin.check_connection(boss)
    assert not check.ok and not check.tested and "nothing to test" in check.message


def test_the_model_and_its_address_without_the_key(db: Session, with_model: fake.FakeOpenAI) -> None:
    boss = actor_for(make_user(db, role=Role.ADMIN))
    label = admin.provider_label()
    assert label == f"fake-model at {with_model.base_url}"
    assert (with_model.api_key or "x") not in label

    check = admin.check_connection(boss)
    assert check.ok and check.message.startswith("fake-model answered in ")

    with_model.script(fake.unauthorized())
    check = admin.check_connection(boss)
    assert not check.ok and check.tested and "refused the API key" in check.message


def test_credentials_in_the_address_are_never_shown() -> None:
    assert admin.shown_url("https://bob:s3cret@llm.example.com:8443/v1?api-key=abc") == (
        "https://llm.example.com:8443/v1"
    )
    assert admin.shown_url("http://localhost:11434/v1") == "http://localhost:11434/v1"
