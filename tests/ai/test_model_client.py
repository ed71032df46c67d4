"""The model client against a local OpenAI-compatible server, through the real `openai` client: each way a
provider answers becomes a ModelAnswer or a ProviderError with words a trainer understands."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from tests.ai.conftest import Choice
from tests.support import fake_openai as fake
from thrust.ai import model_client
from thrust.ai.draft import GenerationInput
from thrust.ai.errors import DraftFormatError, ProviderError
from thrust.ai.model_client import ModelConfig, ask, ask_async, estimate_cost
from thrust.ai.prompt import messages
from thrust.ai.schema import SCHEMA_NAME, parse_draft
from thrust.core.settings import SettingsError, load_settings


def _ask(config: ModelConfig, request: GenerationInput, choices: list[Choice]) -> model_client.ModelAnswer:
    return ask(config, messages(request, choices))


def _fails(config: ModelConfig, request: GenerationInput, choices: list[Choice]) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        _ask(config, request, choices)
    return caught.value


def test_a_good_answer_is_a_draft_of_allowed_exercises_with_its_tokens(
    fake_openai: fake.FakeOpenAI,
    model_config: ModelConfig,
    request_input: GenerationInput,
    choices: list[Choice],
) -> None:
    answer = _ask(model_config, request_input, choices)

    draft = parse_draft(answer.text)
    assert len(draft.days) == request_input.days_per_week
    allowed = {choice.id for choice in choices}
    assert {ex.exercise_id for day in draft.days for ex in day.exercises} <= allowed
    assert answer.model == "fake-model"  # as the server names it
    assert answer.prompt_tokens > 100 and answer.completion_tokens > 10
    assert answer.response_format == "json_schema"
    (sent,) = fake_openai.completions
    assert sent.body["model"] == model_config.model
    assert sent.headers["authorization"] == f"Bearer {fake_openai.api_key}"
    schema_format = sent.body["response_format"]
    assert schema_format["type"] == "json_schema"
    assert (
        schema_format["json_schema"]["name"] == SCHEMA_NAME and schema_format["json_schema"]["strict"] is True
    )


def test_a_server_without_structured_output_is_asked_again_in_json_mode_and_remembered(
    fake_openai: fake.FakeOpenAI,
    model_config: ModelConfig,
    request_input: GenerationInput,
    choices: list[Choice],
) -> None:
    fake_openai.structured_output = False

    answer = _ask(model_config, request_input, choices)

    assert parse_draft(answer.text).days
    assert answer.response_format == "json_object"
    assert [r.response_format_type for r in fake_openai.completions] == ["json_schema", "json_object"]
    # The repair round that follows goes straight to JSON mode: one request, not two.
    _ask(model_config, request_input, choices)
    assert [r.response_format_type for r in fake_openai.completions][2:] == ["json_object"]


def test_a_scripted_refusal_of_json_schema_falls_back_once(
    fake_openai: fake.FakeOpenAI,
    model_config: ModelConfig,
    request_input: GenerationInput,
    choices: list[Choice],
) -> None:
    fake_openai.script(fake.rejects_json_schema(), fake.good())

    answer = _ask(model_config, request_input, choices)

    assert answer.response_format == "json_object"
    assert len(fake_openai.completions) == 2 and fake_openai.pending == 0


def test_json_mode_can_be_chosen_in_the_settings(
    fake_openai: fake.FakeOpenAI,
    model_config: ModelConfig,
    request_input: GenerationInput,
    choices: list[Choice],
) -> None:
    config = ModelConfig(**{**model_config.__dict__, "response_format": "json_object"})

    _ask(config, request_input, choices)

    assert [r.response_format_type for r in fake_openai.completions] == ["json_object"]


def test_an_other_bad_request_is_not_retried_and_says_why(
    fake_openai: fake.FakeOpenAI,
    model_config: ModelConfig,
    request_input: GenerationInput,
    choices: list[Choice],
) -> None:
    fake_openai.script(fake.error(400, "This model's maximum context length is 8192 tokens."))

    problem = _fails(model_config, request_input, choices)

    assert problem.kind == "rejected"
    assert "refused the request (HTTP 400): This model's maximum context length is 8192 tokens." in str(
        problem
    )
    assert len(fake_openai.completions) == 1


def test_malformed_json_is_a_malformed_error_naming_the_place(
    fake_openai: fake.FakeOpenAI,
    model_config: ModelConfig,
    request_input: GenerationInput,
    choices: list[Choice],
) -> None:
    fake_openai.script(fake.malformed())

    answer = _ask(model_config, request_input, choices)
    with pytest.raises(DraftFormatError) as caught:
        parse_draft(answer.text)

    assert caught.value.kind == "malformed"
    assert "not valid JSON" in caught.value.problems[0] and "line 1, column" in caught.value.problems[0]
    assert str(caught.value).startswith("The AI model's answer was not a usable plan")


def test_a_schema_violation_names_each_path(
    fake_openai: fake.FakeOpenAI,
    model_config: ModelConfig,
    request_input: GenerationInput,
    choices: list[Choice],
) -> None:
    fake_openai.script(fake.schema_violation())

    with pytest.raises(DraftFormatError) as caught:
        parse_draft(_ask(model_config, request_input, choices).text)

    assert "days[0].title: is missing" in caught.value.problems
    assert any(p.startswith("days[0].exercises[0].sets: ") for p in caught.value.problems)


def test_an_unknown_exercise_parses_but_is_not_an_allowed_id(
    fake_openai: fake.FakeOpenAI,
    model_config: ModelConfig,
    request_input: GenerationInput,
    choices: list[Choice],
) -> None:
    # Parsing checks the shape only; the checker refuses ids outside the pool (its own tests).
    fake_openai.script(fake.unknown_exercise())

    draft = parse_draft(_ask(model_config, request_input, choices).text)

    assert draft.days[0].exercises[0].exercise_id == fake.UNKNOWN_ID
    assert fake.UNKNOWN_ID not in {choice.id for choice in choices}


def test_a_slow_model_times_out_with_the_setting_named(
    fake_openai: fake.FakeOpenAI,
    model_config: ModelConfig,
    request_input: GenerationInput,
    choices: list[Choice],
) -> None:
    fake_openai.script(fake.slow(3.0))
    config = ModelConfig(**{**model_config.__dict__, "timeout": 0.4})

    started = time.monotonic()
    problem = _fails(config, request_input, choices)

    assert time.monotonic() - started < 2.0
    assert problem.kind == "timeout"
    assert str(problem) == (
        "The AI model did not answer within 0.4 seconds. "
        "A local model on a CPU may need a longer THRUST_AI_TIMEOUT_SECONDS."
    )
    assert len(fake_openai.completions) == 1  # no retry


@pytest.mark.parametrize("scripted", [True, False], ids=["401", "wrong key"])
def test_a_refused_key_says_so(
    scripted: bool,
    fake_openai: fake.FakeOpenAI,
    model_config: ModelConfig,
    request_input: GenerationInput,
    choices: list[Choice],
) -> None:
    if scripted:
        fake_openai.script(fake.unauthorized())
    else:
        model_config = ModelConfig(**{**model_config.__dict__, "api_key": "sk-wrong"})

    problem = _fails(model_config, request_input, choices)

    assert problem.kind == "unauthorized"
    assert (
        str(problem) == "The AI provider refused the API key. Check OPENAI_API_KEY in the server's settings."
    )


def test_rate_limited_says_when_to_try_again(
    fake_openai: fake.FakeOpenAI,
    model_config: ModelConfig,
    request_input: GenerationInput,
    choices: list[Choice],
) -> None:
    fake_openai.script(fake.rate_limited(retry_after=7), fake.rate_limited(retry_after=None))

    problem = _fails(model_config, request_input, choices)
    assert (problem.kind, problem.retry_after) == ("rate_limited", 7.0)
    assert str(problem) == "The AI provider is receiving too many requests; try again in 7 seconds."

    problem = _fails(model_config, request_input, choices)
    assert problem.retry_after is None and str(problem).endswith("try again in a minute.")
    assert len(fake_openai.completions) == 2  # the client never retried on its own


def test_no_credit_left_is_told_apart_from_too_many_requests(
    fake_openai: fake.FakeOpenAI,
    model_config: ModelConfig,
    request_input: GenerationInput,
    choices: list[Choice],
) -> None:
    fake_openai.script(fake.error(429, "You exceeded your current quota.", code="insufficient_quota"))

    problem = _fails(model_config, request_input, choices)

    assert problem.kind == "rate_limited"
    assert str(problem) == "The AI provider's account has run out of credit (quota exceeded)."


@pytest.mark.parametrize("status", [500, 503])
def test_a_server_error_is_the_providers_problem(
    status: int,
    fake_openai: fake.FakeOpenAI,
    model_config: ModelConfig,
    request_input: GenerationInput,
    choices: list[Choice],
) -> None:
    fake_openai.script(fake.server_error(status))

    problem = _fails(model_config, request_input, choices)

    assert problem.kind == "server_error"
    assert str(problem) == (
        f"The AI provider had a problem of its own (HTTP {status}); try again in a few minutes."
    )
    assert len(fake_openai.completions) == 1


def test_an_unknown_model_is_named(
    fake_openai: fake.FakeOpenAI,
    model_config: ModelConfig,
    request_input: GenerationInput,
    choices: list[Choice],
) -> None:
    fake_openai.script(fake.error(404, "The model `llama9` does not exist.", code="model_not_found"))

    problem = _fails(model_config, request_input, choices)

    assert problem.kind == "rejected"
    assert f"does not know the model {model_config.model!r}" in str(problem)


def test_nothing_listening_is_unreachable(request_input: GenerationInput, choices: list[Choice]) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = ModelConfig(base_url=f"http://127.0.0.1:{port}/v1", api_key=None, model="m", timeout=2)

    problem = _fails(config, request_input, choices)

    assert problem.kind == "unreachable"
    assert str(problem).startswith(f"Cannot reach the AI provider at http://127.0.0.1:{port}/v1")


@pytest.mark.parametrize(
    ("content", "finish_reason", "kind", "words"),
    [
        ("", "stop", "malformed", "empty message"),
        ('{"planSummary": "x", "da', "length", "malformed", "cut off"),
        ("", "content_filter", "refused", "content filter"),
    ],
)
def test_empty_cut_off_or_filtered_answers(
    content: str,
    finish_reason: str,
    kind: str,
    words: str,
    fake_openai: fake.FakeOpenAI,
    model_config: ModelConfig,
    request_input: GenerationInput,
    choices: list[Choice],
) -> None:
    fake_openai.script(fake.text(content, finish_reason=finish_reason))

    problem = _fails(model_config, request_input, choices)

    assert problem.kind == kind and words in str(problem)


def test_the_connection_test_says_which_model_answered(
    fake_openai: fake.FakeOpenAI, model_config: ModelConfig
) -> None:
    said = model_client.test_connection(model_config)

    assert said.startswith("fake-model answered in ") and said.endswith(f" s at {fake_openai.base_url}.")
    (sent,) = fake_openai.completions
    assert "response_format" not in sent.body  # the tiny request asks for nothing special


def test_the_connection_test_reports_a_refused_key(
    fake_openai: fake.FakeOpenAI, model_config: ModelConfig
) -> None:
    fake_openai.script(fake.unauthorized())

    with pytest.raises(ProviderError, match="refused the API key"):
        model_client.test_connection(model_config)


def test_cost_is_estimated_from_the_price_table() -> None:
    assert estimate_cost("gpt-4o-mini", 1_000_000, 0) == pytest.approx(0.15)
    assert estimate_cost("gpt-4o-mini-2024-07-18", 2000, 1000) == pytest.approx(0.0009)
    assert estimate_cost("gpt-4o", 1000, 1000) == pytest.approx(0.0125)
    assert estimate_cost("openai/gpt-4.1-mini", 1_000_000, 1_000_000) == pytest.approx(2.0)
    for local in ("llama3.1:8b", "qwen2.5-7b-instruct", "fake-model", "gpt-4o-minis"):
        assert estimate_cost(local, 5000, 5000) == 0.0


def test_retry_after_in_seconds_milliseconds_or_as_a_date() -> None:
    from email.utils import formatdate

    assert model_client.retry_after_seconds({"retry-after": "12"}) == 12.0
    assert model_client.retry_after_seconds({"retry-after-ms": "1500"}) == 1.5
    in_a_minute = model_client.retry_after_seconds({"retry-after": formatdate(time.time() + 60, usegmt=True)})
    assert in_a_minute is not None and 55 < in_a_minute <= 61
    assert model_client.retry_after_seconds({"retry-after": "soon"}) is None
    assert model_client.retry_after_seconds({}) is None


def test_the_config_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1/")
    monkeypatch.setenv("OPENAI_MODEL", "llama3.1:8b")
    monkeypatch.setenv("THRUST_AI_TIMEOUT_SECONDS", "600")
    monkeypatch.setenv("THRUST_AI_RESPONSE_FORMAT", "json_object")

    config = ModelConfig.from_settings(load_settings())

    assert config == ModelConfig("http://127.0.0.1:11434/v1", "sk-test", "llama3.1:8b", 600.0, "json_object")
    assert "sk-test" not in repr(config)
    assert ModelConfig.configured(load_settings())


def test_defaults_and_bad_values(monkeypatch: pytest.MonkeyPatch) -> None:
    config = ModelConfig.from_settings(load_settings())
    assert (config.base_url, config.timeout, config.response_format) == (
        "https://api.openai.com/v1",
        120.0,
        "json_schema",
    )
    assert not ModelConfig.configured(load_settings())
    monkeypatch.setenv("OPENAI_API_KEY", "")
    assert not ModelConfig.configured(load_settings())
    monkeypatch.setenv("THRUST_AI_TIMEOUT_SECONDS", "0")
    with pytest.raises(SettingsError, match="THRUST_AI_TIMEOUT_SECONDS"):
        load_settings()


def test_the_async_ask_answers_falls_back_and_maps_errors_alike(
    fake_openai: fake.FakeOpenAI,
    model_config: ModelConfig,
    request_input: GenerationInput,
    choices: list[Choice],
) -> None:
    fake_openai.script(fake.rejects_json_schema(), fake.good(), fake.rate_limited(retry_after=30))
    conversation = messages(request_input, choices)

    answer = asyncio.run(ask_async(model_config, conversation))
    assert answer.response_format == "json_object" and parse_draft(answer.text).days
    with pytest.raises(ProviderError) as caught:
        asyncio.run(ask_async(model_config, conversation))
    assert caught.value.kind == "rate_limited" and caught.value.retry_after == 30.0


def test_cancelling_the_async_ask_stops_waiting_at_once(
    fake_openai: fake.FakeOpenAI,
    model_config: ModelConfig,
    request_input: GenerationInput,
    choices: list[Choice],
) -> None:
    fake_openai.script(fake.slow(3.0))

    async def cancel_soon() -> float:
        task = asyncio.create_task(ask_async(model_config, messages(request_input, choices)))
        await asyncio.sleep(0.3)
        started = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return time.monotonic() - started

    assert asyncio.run(cancel_soon()) < 0.5
    assert len(fake_openai.completions) == 1
