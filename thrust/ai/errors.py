"""The one error a model provider's trouble becomes: a kind the service branches on, words a trainer reads.

Everything that can go wrong between asking a model and holding a `Draft` (a refused key, a busy or
broken server, a time-out, an answer that is not the draft's JSON) is a `ProviderError`, so the service
has one `except` and the page one message. `kind` says what to do next: `malformed` answers go back to
the model for repair; every other kind ends the model's turn and the offline planner answers.
"""

from __future__ import annotations

from typing import Literal

ProviderErrorKind = Literal[
    "unauthorized",  # 401/403: the key is wrong or may not use the model
    "rate_limited",  # 429: too many requests or no credit left (`retry_after` when the server said)
    "server_error",  # 5xx: the provider's own trouble
    "timeout",  # no answer within the configured time
    "unreachable",  # nothing listens at the base URL, DNS or TLS failed
    "rejected",  # another 4xx: unknown model, wrong base URL, a request the server will not take
    "refused",  # the model declined to answer (a refusal, or its content filter)
    "malformed",  # the answer is not the draft's JSON (unparsable, cut off, or off the schema)
]


class ProviderError(Exception):
    """A model call that gave no usable answer; `str(error)` is the plain message for the page."""

    def __init__(self, kind: ProviderErrorKind, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.kind: ProviderErrorKind = kind
        self.message = message
        self.retry_after = retry_after  # seconds, when a 429 said how long to wait

    def __repr__(self) -> str:
        return f"ProviderError({self.kind!r}, {self.message!r})"


class DraftFormatError(ProviderError):
    """The model answered, but not with the draft's JSON. `problems` (one line each, naming the place in
    the answer, e.g. `days[0].exercises[2].sets: ...`) go back to the model in a repair round."""

    def __init__(self, problems: list[str] | tuple[str, ...]) -> None:
        self.problems = tuple(problems)
        shown = "; ".join(self.problems[:3]) + ("; ..." if len(self.problems) > 3 else "")
        super().__init__("malformed", f"The AI model's answer was not a usable plan ({shown}).")
