"""`POST /api/v1/ai/generate-workout`: the seed's generation route. Checks and the member's pool in one
unit of work, the provider outside any transaction, then the plan and the usage log in another."""

from __future__ import annotations

import asyncio

from sqlmodel import Session

from thrust.ai import generation, service
from thrust.ai.schemas import GeneratedOut, GenerateIn, GenerationOut
from thrust.auth.deps import CurrentActor, authenticated_router
from thrust.core.http import UnitOfWork, documented
from thrust.core.schemas import Data
from thrust.planner import service as plans
from thrust.planner.api import _plan

router = authenticated_router(tags=["AI planner"])


@router.post(
    "/ai/generate-workout",
    status_code=201,
    **documented("Generate a four-week workout plan", Data[GeneratedOut], 404, 429),
)
async def generate_workout(
    body: GenerateIn, actor: CurrentActor, unit_of_work: UnitOfWork
) -> Data[GeneratedOut]:
    """A checked plan for a member the caller may see (ADMIN, TRAINER for assigned members), by the
    configured model or the built-in planner, stored for review (inactive unless `isActive`). At most
    10 an hour per trainer (429 says when to try again)."""
    data = body.model_dump(by_alias=True, exclude_none=True, mode="json")

    def prepare() -> service.Prepared:
        with unit_of_work(read_only=True) as session:
            return service.prepare(session, actor, data)

    prepared = await asyncio.to_thread(prepare)
    stages: list[str] = []

    async def stage(text: str) -> None:
        stages.append(text)

    with service.start(actor) as attempt:
        generated = await generation.generate(
            prepared.request, prepared.pool, config=prepared.config, on_stage=stage
        )
        attempt.charge()

    def keep(session: Session) -> GeneratedOut:
        service.log_usage(session, actor, generated)
        record = service.record_of(prepared, generated)
        plan = service.keep(
            session,
            actor,
            member_id=prepared.member_id,
            request=prepared.request,
            record=record,
            data={"planData": generated.plan_data, **data},
        )
        return GeneratedOut(
            plan_id=plan.id,
            plan=_plan(plans.get_plan(session, actor, plan.id)),
            metadata=GenerationOut(
                provider=generated.provider,
                model=generated.model,
                prompt_version=record.get("promptVersion"),
                tokens=generated.tokens,
                cost_usd=generated.cost,
                repairs=generated.repairs,
                notice=record.get("notice") or "",
                stages=stages,
            ),
        )

    def store() -> GeneratedOut:
        with unit_of_work() as session:
            return keep(session)

    return Data(data=await asyncio.to_thread(store))
