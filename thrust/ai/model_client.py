"""One call to an OpenAI-compatible chat completions endpoint (OpenAI, Ollama, llama.cpp server, vLLM):
`ask` for a draft, `test_connection` for the Settings button, `estimate_cost` for the usage log.

Decisions:
- The real `openai` client, built per call with `max_retries=0`: the client never retries on its own,
  because the service owns the policy (repair rounds, then the offline planner) and a trainer is waiting.
  The one extra request `ask` may make is documented below (structured output refused).
- Structured output first (`response_format` json_schema, strict). A server that refuses it with a 400 or
  422 naming response_format / json_schema / structured output gets the same request in plain JSON mode
  (`{"type": "json_object"}`; the schema is in the system message anyway), and the process remembers that
  server + model so later calls (repair rounds) go straight to JSON mode. `THRUST_AI_RESPONSE_FORMAT=
  json_object` skips structured output altogether.
- `timeout` is how long the server may stay silent (httpx's read time-out); a non-streamed completion
  sends nothing until it is done, so this is in effect the whole call's limit.
- Every failure is a `ProviderError` whose message a trainer understands; the raw provider text is kept
  short and only where it helps (a 400's reason).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, Literal

import openai
from openai.types.chat import ChatCompletion

from thrust.ai.errors import ProviderError, ProviderErrorKind
from thrust.ai.schema import response_format_json_schema
from thrust.core.settings import Settings, get_settings

log = logging.getLogger(__name__)

OPENAI_BASE_URL = "https://api.openai.com/v1"
NO_KEY = "not-needed"  # local servers take any key; the client refuses to start without one
CONNECT_TIMEOUT = 10.0  # seconds to open the connection, whatever the answer may take
MAX_REASON = 200  # characters of a provider's own error text shown to a trainer

ResponseFormatKind = Literal["json_schema", "json_object"]

# Servers (base URL, model) that refused structured output in this process: asked in JSON mode from then on.
_PLAIN_JSON_ONLY: set[tuple[str, str]] = set()
_PLAIN_JSON_LOCK = threading.Lock()


@dataclass(frozen=True)
class ModelConfig:
    """Where and how to ask: from the settings, or built by hand in tests and the Settings page."""

    base_url: str = OPENAI_BASE_URL
    api_key: str | None = field(default=None, repr=False)
    model: str = "gpt-4o-mini"
    timeout: float = 120.0
    response_format: ResponseFormatKind = "json_schema"

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> ModelConfig:
        s = settings or get_settings()
        return cls(
            base_url=(s.openai_base_url or OPENAI_BASE_URL).rstrip("/"),
            api_key=s.openai_api_key.get_secret_value() if s.openai_api_key else None,
            model=s.openai_model,
            timeout=s.ai_timeout_seconds,
            response_format=s.ai_response_format,
        )

    @staticmethod
    def configured(settings: Settings | None = None) -> bool:
        """Whether a model endpoint is configured at all (a key, or a base URL for a local server);
        otherwise the offline planner is the provider."""
        s = settings or get_settings()
        key = s.openai_api_key.get_secret_value().strip() if s.openai_api_key else ""
        return bool(key or (s.openai_base_url or "").strip())


@dataclass(frozen=True)
class ModelAnswer:
    """The model's text (to be parsed with `parse_draft`) and what the call cost."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    model: str  # as the server named it (a dated snapshot, a local model's tag)
    response_format: ResponseFormatKind = "json_schema"  # the mode the answer was written in
    seconds: float = 0.0


def _client_options(config: ModelConfig) -> dict[str, Any]:
    return {
        "api_key": config.api_key or NO_KEY,
        "base_url": config.base_url,
        "timeout": openai.Timeout(config.timeout, connect=min(CONNECT_TIMEOUT, config.timeout)),
        "max_retries": 0,  # the service decides what happens after a failure, not the client
    }


def _client(config: ModelConfig) -> openai.OpenAI:
    return openai.OpenAI(**_client_options(config))


def _async_client(config: ModelConfig) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(**_client_options(config))


def ask(config: ModelConfig, messages: list[dict[str, str]]) -> ModelAnswer:
    """Ask the model for a draft; its answer's text, tokens and model, or a `ProviderError`.

    Blocking (run it in a thread from async code, or use `ask_async`). At most two requests: a second one
    only when the server refused structured output (see the module)."""
    mode = _first_mode(config)
    started = time.monotonic()
    with _client(config) as client:
        try:
            completion = client.chat.completions.create(**_request(config, messages, mode))
        except (openai.BadRequestError, openai.UnprocessableEntityError) as exc:
            mode = _json_mode_after(exc, config, mode)
            try:
                completion = client.chat.completions.create(**_request(config, messages, mode))
            except openai.OpenAIError as again:
                raise _provider_error(again, config) from None
        except openai.OpenAIError as exc:
            raise _provider_error(exc, config) from None
    return _answer(completion, config, mode, time.monotonic() - started)


async def ask_async(config: ModelConfig, messages: list[dict[str, str]]) -> ModelAnswer:
    """`ask` for a background event: cancelling the task closes the connection at once, where a thread
    running `ask` would wait for the answer or the time-out."""
    mode = _first_mode(config)
    started = time.monotonic()
    async with _async_client(config) as client:
        try:
            completion = await client.chat.completions.create(**_request(config, messages, mode))
        except (openai.BadRequestError, openai.UnprocessableEntityError) as exc:
            mode = _json_mode_after(exc, config, mode)
            try:
                completion = await client.chat.completions.create(**_request(config, messages, mode))
            except openai.OpenAIError as again:
                raise _provider_error(again, config) from None
        except openai.OpenAIError as exc:
            raise _provider_error(exc, config) from None
    return _answer(completion, config, mode, time.monotonic() - started)


def _first_mode(config: ModelConfig) -> ResponseFormatKind:
    if (config.base_url, config.model) in _PLAIN_JSON_ONLY:
        return "json_object"
    return config.response_format


def _json_mode_after(
    exc: openai.APIStatusError, config: ModelConfig, mode: ResponseFormatKind
) -> ResponseFormatKind:
    """JSON mode when this 400/422 is the server refusing structured output (remembered for the server);
    otherwise the error, in plain words."""
    if mode != "json_schema" or not _refuses_structured_output(exc):
        raise _provider_error(exc, config) from None
    log.info("%s refused structured output for %s; asking in JSON mode", config.base_url, config.model)
    with _PLAIN_JSON_LOCK:
        _PLAIN_JSON_ONLY.add((config.base_url, config.model))
    return "json_object"


def _request(config: ModelConfig, messages: list[dict[str, str]], mode: ResponseFormatKind) -> dict[str, Any]:
    """The chat completion's arguments (plain role/content dicts are what the API takes as messages)."""
    response_format = response_format_json_schema() if mode == "json_schema" else {"type": "json_object"}
    return {"model": config.model, "messages": messages, "response_format": response_format}


def _answer(
    completion: ChatCompletion, config: ModelConfig, mode: ResponseFormatKind, seconds: float
) -> ModelAnswer:
    if not completion.choices:
        raise ProviderError("malformed", "The AI provider answered without any text.")
    choice = completion.choices[0]
    message = choice.message
    if getattr(message, "refusal", None):
        reason = _short(str(message.refusal))
        raise ProviderError("refused", f"The AI model declined to write this plan: {reason}")
    if choice.finish_reason == "content_filter":
        raise ProviderError("refused", "The AI provider's content filter stopped the answer.")
    if choice.finish_reason == "length":
        raise ProviderError(
            "malformed", "The AI model's answer was cut off before the plan was complete (too long)."
        )
    text = message.content or ""
    if not text.strip():
        raise ProviderError("malformed", "The AI model answered with an empty message.")
    usage = completion.usage
    return ModelAnswer(
        text=text,
        prompt_tokens=usage.prompt_tokens if usage else 0,
        completion_tokens=usage.completion_tokens if usage else 0,
        model=completion.model or config.model,
        response_format=mode,
        seconds=round(seconds, 3),
    )


def _refuses_structured_output(exc: openai.APIStatusError) -> bool:
    """Whether a 400/422 is the server saying it cannot do `response_format` json_schema."""
    param = (getattr(exc, "param", None) or "").lower()
    words = f"{exc.message} {exc.body}".lower()
    return param == "response_format" or any(
        hint in words for hint in ("response_format", "json_schema", "structured output", "response format")
    )


def test_connection(config: ModelConfig) -> str:
    """A tiny completion for the Settings page's "Test connection": which model answered, and how fast.
    Raises `ProviderError` with the same plain messages as `ask`."""
    started = time.monotonic()
    with _client(config) as client:
        try:
            completion = client.chat.completions.create(
                model=config.model,
                messages=[{"role": "user", "content": "Reply with the single word OK."}],
            )
        except openai.OpenAIError as exc:
            raise _provider_error(exc, config) from None
    seconds = time.monotonic() - started
    if not completion.choices:
        raise ProviderError("malformed", "The AI provider answered without any text.")
    model = completion.model or config.model
    return f"{model} answered in {seconds:.1f} s at {config.base_url}."


# -- errors ---------------------------------------------------------------------------------------------


def _short(text: str) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= MAX_REASON else flat[: MAX_REASON - 1] + "…"


def _reason(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return _short(str(inner["message"]))
        if isinstance(inner, str):
            return _short(inner)
    return _short(exc.message)


def retry_after_seconds(headers: Any) -> float | None:
    """Seconds a 429 asks to wait (Retry-After in seconds or as a date, or retry-after-ms), if given."""
    try:
        if value := headers.get("retry-after-ms"):
            return max(0.0, float(value) / 1000)
        if value := headers.get("retry-after"):
            try:
                return max(0.0, float(value))
            except ValueError:
                return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, OverflowError):
        return None
    return None


def _wait_words(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} seconds"
    return f"{max(2, round(seconds / 60))} minutes"


# The errors whose words depend only on the model settings, checked in this order (a timeout is also a
# connection error); `{config}` is the ModelConfig.
_PLAIN_ERRORS: tuple[tuple[type[openai.OpenAIError], ProviderErrorKind, str], ...] = (
    (
        openai.APITimeoutError,
        "timeout",
        "The AI model did not answer within {config.timeout:g} seconds. A local model on a CPU may "
        "need a longer THRUST_AI_TIMEOUT_SECONDS.",
    ),
    (
        openai.APIConnectionError,
        "unreachable",
        "Cannot reach the AI provider at {config.base_url}: is the server running and the address "
        "(OPENAI_BASE_URL) right?",
    ),
    (
        openai.AuthenticationError,
        "unauthorized",
        "The AI provider refused the API key. Check OPENAI_API_KEY in the server's settings.",
    ),
    (
        openai.PermissionDeniedError,
        "unauthorized",
        "The AI provider does not let this API key use the model {config.model!r}.",
    ),
    (
        openai.NotFoundError,
        "rejected",
        "The AI provider does not know the model {config.model!r} (or OPENAI_BASE_URL is not an "
        "OpenAI-compatible address).",
    ),
)


def _provider_error(exc: openai.OpenAIError, config: ModelConfig) -> ProviderError:
    """The plain-words error for anything the openai client raised."""
    for error_type, kind, words in _PLAIN_ERRORS:
        if isinstance(exc, error_type):
            return ProviderError(kind, words.format(config=config))
    if isinstance(exc, openai.RateLimitError):
        wait = retry_after_seconds(exc.response.headers)
        if exc.code == "insufficient_quota":
            return ProviderError(
                "rate_limited",
                "The AI provider's account has run out of credit (quota exceeded).",
                retry_after=wait,
            )
        when = f"try again in {_wait_words(wait)}" if wait is not None else "try again in a minute"
        return ProviderError(
            "rate_limited", f"The AI provider is receiving too many requests; {when}.", retry_after=wait
        )
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code >= 500:
            return ProviderError(
                "server_error",
                f"The AI provider had a problem of its own (HTTP {exc.status_code}); "
                "try again in a few minutes.",
            )
        return ProviderError(
            "rejected", f"The AI provider refused the request (HTTP {exc.status_code}): {_reason(exc)}"
        )
    if isinstance(exc, openai.APIResponseValidationError):
        return ProviderError("malformed", "The AI provider's reply was not an OpenAI-compatible answer.")
    return ProviderError("malformed", f"The AI provider's reply could not be read ({_short(str(exc))}).")


# -- cost -----------------------------------------------------------------------------------------------

# USD per million tokens (input, output), from OpenAI's public price list; an estimate for the usage log
# and the monthly budget, not an invoice (cached input, batch and regional prices are ignored).
PRICES_PER_MILLION: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-5": (1.25, 10.00),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5-nano": (0.05, 0.40),
    "o4-mini": (1.10, 4.40),
    "gpt-3.5-turbo": (0.50, 1.50),
}


def _price(model: str) -> tuple[float, float] | None:
    """The price of `model`, a dated snapshot of it (gpt-4o-mini-2024-07-18) or it behind a router's
    prefix (openai/gpt-4o-mini); None for anything else (local models cost nothing here)."""
    name = model.strip().lower().removeprefix("openai/")
    if name in PRICES_PER_MILLION:
        return PRICES_PER_MILLION[name]
    for known in sorted(PRICES_PER_MILLION, key=len, reverse=True):
        rest = name.removeprefix(known)
        if rest != name and rest[:2] == "-2":  # -2024-07-18: a snapshot of `known`
            return PRICES_PER_MILLION[known]
    return None


def estimate_cost(model: str, prompt_tokens: int, completion_tokens: int) -> float:
    """Estimated USD of one call from the price table; 0.0 for unknown and local models."""
    price = _price(model)
    if price is None:
        return 0.0
    cost = (prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000
    return round(cost, 6)
