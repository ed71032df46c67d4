"""Plan documents for the planner's tests: a valid plan of any size, as the seed's JSON."""

from __future__ import annotations

from typing import Any


def exercise(name: str = "Goblet squat", **fields: Any) -> dict[str, Any]:
    return {"name": name, "sets": 3, "reps": "8-12", "rest": 90, "notes": "", **fields}


def plan_document(weeks: int = 4, days: int = 3, exercises: int = 2) -> dict[str, Any]:
    """`weeks` weeks of `days` days (day numbers 1, 3, 5, ...: rest days between) of `exercises` each."""
    return {
        "planSummary": "Full body three times a week",
        "weeks": [
            {
                "weekNumber": w,
                "focus": f"Week {w} focus",
                "days": [
                    {
                        "dayNumber": 1 + 2 * d if days <= 4 else d + 1,
                        "title": f"Day {d + 1}",
                        "exercises": [exercise(f"Exercise {w}.{d + 1}.{e + 1}") for e in range(exercises)],
                    }
                    for d in range(days)
                ],
            }
            for w in range(1, weeks + 1)
        ],
        "nutritionTips": ["Protein with every meal"],
        "progressionNotes": "Add 2.5 kg when every set reaches 12 reps",
    }
