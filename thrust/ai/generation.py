"""One generation, start to end, the same for the page and the API: the offline planner, or the model with
at most two repair rounds and the offline planner as the answer of last resort. Every draft, whoever wrote
it, passes the same checker before it becomes the four weeks of a plan; nothing half-made leaves here.

The database work (the exercise pool, the usage log, the limits) is the service's; this module only
talks to the provider, so it can run outside any transaction while a model thinks for minutes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from thrust.ai.checker import check_draft
from thrust.ai.draft import CheckReport, Draft, GenerationInput
from thrust.ai.errors import DraftFormatError, ProviderError
from thrust.ai.exercise_pool import ExerciseChoice
from thrust.ai.model_client import ModelAnswer, ModelConfig, ask_async, estimate_cost
from thrust.ai.offline import offline_draft
from thrust.ai.progression import four_weeks
from thrust.ai.prompt import PROMPT_VERSION, messages, repair_messages
from thrust.ai.schema import parse_draft

OFFLINE = "offline"
MODEL = "openai-compatible"
MAX_REPAIRS = 2

# The stages a trainer watches (the page shows the latest; the API's answer lists them).
CHOOSING = "Choosing exercises from the catalog"
ASKING = "Asking the model"
CHECKING = "Checking the plan"
REPAIRING = "Asking the model to fix what the check found"
OFFLINE_PLANNING = "Writing the plan with the built-in planner"
FELL_BACK = (
    "The model's plan did not pass the checks after two repairs, so the built-in planner wrote this one."
)

Stage = Callable[[str], Awaitable[None]]


async def _quiet(_stage: str) -> None:
    return None


@dataclass
class Call:
    """One request to the model, for the usage log."""

    model: str
    prompt_tokens: int
    completion_tokens: int
    cost: float


@dataclass
class Generated:
    """A checked four-week plan and how it was made (stored with the plan)."""

    plan_data: dict[str, Any]
    provider: str
    model: str
    report: CheckReport
    repairs: int = 0
    notice: str = ""  # plain words when the offline planner answered instead of the model
    calls: list[Call] = field(default_factory=list)

    @property
    def tokens(self) -> int:
        return sum(c.prompt_tokens + c.completion_tokens for c in self.calls)

    @property
    def cost(self) -> float:
        return round(sum(c.cost for c in self.calls), 6)

    def record(self) -> dict[str, Any]:
        """What a generated plan keeps of its making (`workout_plans.generation`)."""
        return {
            "provider": self.provider,
            "model": self.model,
            "promptVersion": PROMPT_VERSION if self.provider == MODEL or self.calls else None,
            "tokens": self.tokens,
            "costUsd": self.cost,
            "repairs": self.repairs,
            "notice": self.notice,
            "report": {
                "problems": list(self.report.problems),
                "trainingDays": self.report.training_days,
                "weeklySetsByMuscle": dict(self.report.weekly_sets_by_muscle),
                "minutesByDay": {str(day): minutes for day, minutes in self.report.minutes_by_day.items()},
            },
        }


def _offline(
    request: GenerationInput, pool: Sequence[ExerciseChoice], seed: int | None
) -> tuple[Draft, CheckReport]:
    draft = offline_draft(request, list(pool), seed=seed)
    return draft, check_draft(draft, request, pool)


async def generate(
    request: GenerationInput,
    pool: Sequence[ExerciseChoice],
    *,
    config: ModelConfig | None,
    on_stage: Stage = _quiet,
    seed: int | None = None,
) -> Generated:
    """A checked plan for `request` from the exercises in `pool` (already filtered for the member): by the
    model when `config` is given, else (or when the model cannot give a passing plan) by the offline
    planner; a provider's error (a refused key, a time-out, a 429 or 5xx) ends the same way, with its
    message in the notice, so the trainer always gets a checked plan and knows who wrote it."""
    if config is None:
        await on_stage(OFFLINE_PLANNING)
        draft, report = _offline(request, pool, seed)
        return Generated(four_weeks(draft, request, pool=pool), OFFLINE, OFFLINE, report)

    calls: list[Call] = []
    conversation = messages(request, pool)
    notice = ""
    for round_number in range(MAX_REPAIRS + 1):
        await on_stage(
            ASKING if round_number == 0 else f"{REPAIRING} (round {round_number} of {MAX_REPAIRS})"
        )
        try:
            answer: ModelAnswer = await ask_async(config, conversation)
        except ProviderError as error:
            notice = f"{error} The built-in planner wrote this plan instead."
            break
        calls.append(
            Call(
                answer.model,
                answer.prompt_tokens,
                answer.completion_tokens,
                estimate_cost(answer.model, answer.prompt_tokens, answer.completion_tokens),
            )
        )
        await on_stage(CHECKING)
        try:
            draft = parse_draft(answer.text)
        except DraftFormatError as error:
            problems: Sequence[str] = error.problems or (str(error),)
        else:
            report = check_draft(draft, request, pool)
            if report.ok:
                plan = four_weeks(draft, request, pool=pool)
                return Generated(plan, MODEL, answer.model, report, repairs=round_number, calls=calls)
            problems = report.problems
        conversation = repair_messages(conversation, answer.text, problems)
    else:
        notice = FELL_BACK

    await on_stage(OFFLINE_PLANNING)
    draft, report = _offline(request, pool, seed)
    model = calls[-1].model if calls else config.model
    return Generated(
        four_weeks(draft, request, pool=pool),
        OFFLINE,
        model,
        report,
        repairs=max(len(calls) - 1, 0),
        notice=notice,
        calls=calls,
    )
