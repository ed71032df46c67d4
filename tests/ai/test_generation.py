"""One generation against a local OpenAI-compatible server (the real `openai` client): a good answer is
used; a bad one goes back for at most two repairs; after that, or on a provider error, the offline
planner answers and says why. Whatever is returned passes the checker and is a valid four-week plan."""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict
from typing import Any

from tests.ai.conftest import pool_for, request
from tests.support import fake_openai as fake
from thrust.ai import generation
from thrust.ai.checker import check_draft
from thrust.ai.draft import Draft
from thrust.ai.model_client import ModelConfig
from thrust.ai.offline import offline_draft
from thrust.planner.document import parse_plan


def _model_json(draft: Draft) -> str:
    """A draft as a model writes it (the schema's camelCase)."""

    def camel(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                "".join(w.capitalize() if i else w for i, w in enumerate(k.split("_"))): camel(v)
                for k, v in value.items()
            }
        if isinstance(value, list | tuple):
            return [camel(v) for v in value]
        return value

    return json.dumps(camel(asdict(draft)))


def _run(config: ModelConfig | None, **fields: Any) -> tuple[generation.Generated, list[str]]:
    req = request(**fields)
    pool = pool_for(req)
    stages: list[str] = []

    async def stage(text: str) -> None:
        stages.append(text)

    result = asyncio.run(generation.generate(req, pool, config=config, on_stage=stage, seed=3))
    parse_plan(result.plan_data)  # a valid plan in the seed's JSON
    assert result.report.ok, result.report.problems
    assert len(result.plan_data["weeks"]) == 4
    return result, stages


def _passing_answer(**fields: Any) -> str:
    req = request(**fields)
    pool = pool_for(req)
    draft = offline_draft(req, pool, seed=11)
    assert check_draft(draft, req, pool).ok
    return _model_json(draft)


def test_without_a_model_the_offline_planner_answers(model_config: ModelConfig) -> None:
    result, stages = _run(None)
    assert (result.provider, result.calls, result.notice) == (generation.OFFLINE, [], "")
    assert stages == [generation.OFFLINE_PLANNING]


def test_a_good_answer_is_used_with_its_tokens_and_cost(
    fake_openai: fake.FakeOpenAI, model_config: ModelConfig
) -> None:
    fake_openai.script(fake.text(_passing_answer()))
    result, stages = _run(model_config)
    assert result.provider == generation.MODEL and result.repairs == 0 and result.notice == ""
    assert len(result.calls) == 1 and result.tokens > 0
    assert stages == [generation.ASKING, generation.CHECKING]
    assert result.record()["promptVersion"] and result.record()["report"]["problems"] == []


def test_a_broken_answer_is_repaired_with_the_problems_named(
    fake_openai: fake.FakeOpenAI, model_config: ModelConfig
) -> None:
    fake_openai.script(fake.malformed(), fake.unknown_exercise(), fake.text(_passing_answer()))
    result, stages = _run(model_config)
    assert result.provider == generation.MODEL and result.repairs == 2 and len(result.calls) == 3
    assert stages.count(generation.CHECKING) == 3
    assert any(stage.startswith(generation.REPAIRING) for stage in stages)
    repair = fake_openai.completions[2].messages[-1]["content"]
    assert "is not one of the allowed exercises" in repair  # the checker's words, sent back


def test_after_two_failed_repairs_the_offline_planner_answers_and_says_so(
    fake_openai: fake.FakeOpenAI, model_config: ModelConfig
) -> None:
    fake_openai.script(fake.malformed(), fake.schema_violation(), fake.unknown_exercise())
    result, stages = _run(model_config)
    assert result.provider == generation.OFFLINE and result.notice == generation.FELL_BACK
    assert len(result.calls) == 3 and len(fake_openai.completions) == 3  # never a fourth call
    assert stages[-1] == generation.OFFLINE_PLANNING


def test_a_provider_error_ends_with_the_offline_plan_and_the_providers_message(
    fake_openai: fake.FakeOpenAI, model_config: ModelConfig
) -> None:
    fake_openai.script(fake.server_error(503))
    result, _stages = _run(model_config)
    assert result.provider == generation.OFFLINE and result.calls == []
    assert "built-in planner wrote this plan instead" in result.notice
    assert len(result.notice) > len(" The built-in planner wrote this plan instead.")


def test_a_time_out_ends_the_same_way(fake_openai: fake.FakeOpenAI, model_config: ModelConfig) -> None:
    fake_openai.script(fake.slow(3))
    quick = ModelConfig(
        base_url=model_config.base_url, api_key=model_config.api_key, model=model_config.model, timeout=0.5
    )
    result, _stages = _run(quick)
    assert result.provider == generation.OFFLINE and "built-in planner" in result.notice
