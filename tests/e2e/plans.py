"""Workout plans for the browser tests, made through the API by the signed-in browser (its cookies)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from playwright.sync_api import Page


def plan_data(weeks: int = 4, days: int = 3, exercises: int = 4) -> dict[str, Any]:
    """`weeks` weeks of `days` training days (1, 3, 5, ...) of `exercises` exercises, as the seed's JSON."""
    names = ("Goblet squat", "Push-up", "Bent-over row", "Plank", "Lunge", "Deadlift")
    return {
        "planSummary": "Full body three times a week, building from light to moderate loads.",
        "weeks": [
            {
                "weekNumber": w,
                "focus": ("Technique", "Volume", "Strength", "Deload")[(w - 1) % 4],
                "days": [
                    {
                        "dayNumber": 1 + 2 * d,
                        "title": ("Lower body", "Upper body", "Full body")[d % 3],
                        "exercises": [
                            {
                                "name": names[(d + e) % len(names)],
                                "sets": 3,
                                "reps": "8-12",
                                "rest": 90,
                                "notes": "Slow on the way down" if e == 0 else "",
                            }
                            for e in range(exercises)
                        ],
                    }
                    for d in range(days)
                ],
            }
            for w in range(1, weeks + 1)
        ],
        "nutritionTips": ["Protein with every meal", "Drink water before you feel thirsty"],
        "progressionNotes": "Add 2.5 kg when every set reaches 12 reps.",
    }


def gym_today() -> date:
    """The test server's today: its gym's clock is set where the local date is the UTC date."""
    return datetime.now(UTC).date()


def create_plan(
    page: Page, app_url: str, member_id: str, *, title: str = "Spring strength", starts_on: date | None = None
) -> str:
    """A new active plan for the member (replacing their active one); its id."""
    body: dict[str, Any] = {"memberId": member_id, "title": title, "planData": plan_data()}
    if starts_on is not None:
        body["startsOn"] = starts_on.isoformat()
    response = page.request.post("/api/v1/workout-plans", data=body, headers={"Origin": app_url})
    assert response.ok, response.text()
    return str(response.json()["data"]["id"])
