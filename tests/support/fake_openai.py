"""A local OpenAI-compatible server for tests: the real `openai` client talks to it over HTTP.

`FakeOpenAI` serves POST /v1/chat/completions and GET /v1/models on 127.0.0.1:<free port> from a thread.
Each completion request takes the next behaviour from a scripted queue (`script(...)`); an empty queue
answers with a good draft. A good draft is built from the exercise ids of the request's own
<allowed_exercises> block and its "Training days per week", so the browser tests can point the app at this
server without knowing the catalog's ids. Every request is recorded (`requests`), so tests can read the
prompt the app sent, the response_format it asked for and the repair message.

    with FakeOpenAI() as fake:
        fake.script(rejects_json_schema(), malformed(), good())
        ... ModelConfig(base_url=fake.base_url, api_key=fake.api_key, model=fake.model, timeout=2) ...
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DAYS_ASKED = re.compile(r"Training days per week:\s*(\d+)")
EXERCISES_BLOCK = re.compile(r"<allowed_exercises>\n(.*?)\n</allowed_exercises>", re.S)
UNKNOWN_ID = "00000000-0000-4000-8000-00000000dead"


# -- behaviours -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Behaviour:
    """What the server does with one completion request."""

    kind: str  # good | text | status | reject_json_schema
    content: str | None = None  # the answer's text (kind "text")
    status: int = 200
    body: dict[str, Any] | None = None  # an error's JSON body
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    ids: tuple[str, ...] | None = None  # kind "good": use these exercise ids instead of the prompt's
    spoil: str | None = None  # kind "good": "schema" (schema violation) or "unknown" (an id not allowed)
    finish_reason: str = "stop"


def good(ids: list[str] | tuple[str, ...] | None = None, *, delay: float = 0.0) -> Behaviour:
    """A valid draft: the prompt's exercise ids (or `ids`), as many days as asked."""
    return Behaviour("good", ids=tuple(ids) if ids is not None else None, delay=delay)


def text(content: str, *, finish_reason: str = "stop") -> Behaviour:
    """Answer with exactly `content`."""
    return Behaviour("text", content=content, finish_reason=finish_reason)


def malformed() -> Behaviour:
    """Not JSON: an answer cut off in the middle."""
    return text('{"planSummary": "Three full-body days", "days": [{"dayNumber": 1, "title": "Full')


def schema_violation() -> Behaviour:
    """JSON, but not the draft's: the first day's title missing and its first exercise's sets in words."""
    return Behaviour("good", spoil="schema")


def unknown_exercise() -> Behaviour:
    """A well-formed draft whose first exercise is not in the allowed list (the checker must refuse it)."""
    return Behaviour("good", spoil="unknown")


def slow(seconds: float) -> Behaviour:
    """A good draft, after `seconds` (longer than the client's time-out in the time-out test)."""
    return good(delay=seconds)


def error(
    status: int, message: str, *, code: str | None = None, headers: dict[str, str] | None = None
) -> Behaviour:
    """An HTTP error with OpenAI's error body."""
    body = {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}}
    return Behaviour("status", status=status, body=body, headers=headers or {})


def unauthorized() -> Behaviour:
    return error(401, "Incorrect API key provided: sk-wrong.", code="invalid_api_key")


def rate_limited(retry_after: int | None = 7) -> Behaviour:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return error(429, "Rate limit reached for requests per min.", code="rate_limit_exceeded", headers=headers)


def server_error(status: int = 500) -> Behaviour:
    return error(status, "The server had an error while processing your request.")


def rejects_json_schema() -> Behaviour:
    """A 400 for a request asking for json_schema output, as servers without structured output answer
    (a json_object request skips it and takes the next behaviour)."""
    return Behaviour(
        "reject_json_schema",
        status=400,
        body={
            "error": {
                "message": "response_format type 'json_schema' is not supported by this server",
                "type": "invalid_request_error",
                "param": "response_format",
                "code": None,
            }
        },
    )


# -- drafts -----------------------------------------------------------------------------------------------


def spread_days(count: int) -> list[int]:
    """`count` day numbers spread over the week (3 -> 1, 3, 6)."""
    days = sorted({1 + round(i * 7 / count) for i in range(count)})
    return days if len(days) == count and days[-1] <= 7 else list(range(1, count + 1))


def draft_json(
    exercises: list[tuple[str, str]], days: int = 3, per_day: int = 4, *, spoil: str | None = None
) -> dict[str, Any]:
    """A draft in the model's JSON from (id, name) pairs; `spoil` breaks it on purpose."""
    if not exercises:
        exercises = [(UNKNOWN_ID, "Nothing allowed")]
    plan_days = []
    for index, day_number in enumerate(spread_days(days)):
        picked = [
            exercises[(index * per_day + k) % len(exercises)] for k in range(min(per_day, len(exercises)))
        ]
        plan_days.append(
            {
                "dayNumber": day_number,
                "title": f"Full body {chr(ord('A') + index)}",
                "exercises": [
                    {"exerciseId": ex_id, "name": name, "sets": 3, "reps": "8-12", "rest": 90, "notes": ""}
                    for ex_id, name in picked
                ],
            }
        )
    draft: dict[str, Any] = {
        "planSummary": f"{days} full-body days a week, compound lifts first.",
        "days": plan_days,
        "nutritionTips": ["Eat protein with every meal.", "Drink water through the day."],
        "progressionNotes": "Add a rep each week, then weight.",
    }
    if spoil == "schema":
        del draft["days"][0]["title"]
        draft["days"][0]["exercises"][0]["sets"] = "three"
    elif spoil == "unknown":
        draft["days"][0]["exercises"][0]["exerciseId"] = UNKNOWN_ID
        draft["days"][0]["exercises"][0]["name"] = "Twenty sets of deadlifts"
    return draft


def allowed_exercises(prompt: str) -> list[tuple[str, str]]:
    """(id, name) of each line in the prompt's <allowed_exercises> block."""
    block = EXERCISES_BLOCK.search(prompt)
    pairs = []
    for line in block.group(1).splitlines() if block else []:
        parts = [part.strip() for part in line.split(" | ")]
        if len(parts) >= 2 and parts[0] != "id":
            pairs.append((parts[0], parts[1]))
    return pairs


# -- the server -------------------------------------------------------------------------------------------


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    @property
    def response_format_type(self) -> str | None:
        response_format = self.body.get("response_format")
        return response_format.get("type") if isinstance(response_format, dict) else None

    def content(self, role: str, index: int = 0) -> str:
        """The text of the `index`-th message with `role` (-1: the last)."""
        return str([m for m in self.messages if m.get("role") == role][index].get("content", ""))


class FakeOpenAI:
    """An OpenAI-compatible server on 127.0.0.1 in a thread; see the module docstring."""

    def __init__(self, *, model: str = "fake-model", api_key: str | None = "test-key") -> None:
        self.model = model
        self.api_key = api_key  # None: any key (or none) is accepted, like a local server
        self.structured_output = True  # False: every json_schema request is refused with a 400
        self.requests: list[RecordedRequest] = []
        self._queue: list[Behaviour] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- control --

    def start(self) -> FakeOpenAI:
        handler = _handler(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-openai", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the server first"
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def script(self, *behaviours: Behaviour) -> None:
        """Queue behaviours for the next completion requests, in order."""
        with self._lock:
            self._queue.extend(behaviours)

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self.requests.clear()
        self.structured_output = True

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    @property
    def completions(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    # -- answering --

    def _next(self, request: RecordedRequest) -> Behaviour:
        asks_schema = request.response_format_type == "json_schema"
        with self._lock:
            if asks_schema and not self.structured_output:
                return rejects_json_schema()
            while self._queue:
                behaviour = self._queue.pop(0)
                if behaviour.kind == "reject_json_schema" and not asks_schema:
                    continue  # only a json_schema request is refused
                return behaviour
        return good()

    def _completion(self, request: RecordedRequest) -> tuple[int, dict[str, Any], dict[str, str], float]:
        behaviour = self._next(request)
        if behaviour.kind in ("status", "reject_json_schema"):
            return behaviour.status, behaviour.body or {}, behaviour.headers, behaviour.delay
        prompt = "\n".join(str(m.get("content", "")) for m in request.messages if m.get("role") == "user")
        if behaviour.kind == "text":
            content = behaviour.content or ""
        else:
            pairs = allowed_exercises(prompt)
            if behaviour.ids is not None:
                names = dict(pairs)
                pairs = [
                    (ex_id, names.get(ex_id, f"Exercise {n + 1}")) for n, ex_id in enumerate(behaviour.ids)
                ]
            asked = DAYS_ASKED.search(prompt)
            days = int(asked.group(1)) if asked else 3
            content = json.dumps(draft_json(pairs, days, spoil=behaviour.spoil))
        prompt_chars = sum(len(str(m.get("content", ""))) for m in request.messages)
        body = {
            "id": f"chatcmpl-fake-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": behaviour.finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": prompt_chars // 4,
                "completion_tokens": len(content) // 4,
                "total_tokens": prompt_chars // 4 + len(content) // 4,
            },
        }
        return 200, body, {}, behaviour.delay

    def _models(self) -> dict[str, Any]:
        return {
            "object": "list",
            "data": [{"id": self.model, "object": "model", "created": 0, "owned_by": "thrust-tests"}],
        }


def _handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

        def _record(self, body: dict[str, Any]) -> RecordedRequest:
            request = RecordedRequest(
                self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body
            )
            with fake._lock:
                fake.requests.append(request)
            return request

        def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            payload = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its time-out): nothing to answer

        def _authorized(self) -> bool:
            if fake.api_key is None or self.headers.get("Authorization") == f"Bearer {fake.api_key}":
                return True
            self._send(401, unauthorized().body or {})
            return False

        def do_GET(self) -> None:
            self._record({})
            if self.path.rstrip("/").endswith("/models"):
                if self._authorized():
                    self._send(200, fake._models())
            else:
                self._send(404, {"error": {"message": f"No route {self.path}", "type": "not_found"}})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                body = {"_raw": raw.decode("utf-8", "replace")}
            request = self._record(body)
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._send(404, {"error": {"message": f"No route {self.path}", "type": "not_found"}})
                return
            if not self._authorized():
                return
            status, answer, headers, delay = fake._completion(request)
            if delay and fake._stopping.wait(delay):
                return  # the server is stopping: drop the slow answer
            self._send(status, answer, headers)

    return Handler


if __name__ == "__main__":  # a server to point a running app at by hand: good drafts, any key
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    options = parser.parse_args()
    server = FakeOpenAI(api_key=None)
    server._server = ThreadingHTTPServer(("127.0.0.1", options.port), _handler(server))
    if options.delay:
        server.script(*[slow(options.delay) for _ in range(10_000)])
    print(f"OPENAI_BASE_URL={server.base_url}", flush=True)
    server._server.serve_forever()
