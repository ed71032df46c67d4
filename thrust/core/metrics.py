"""Prometheus metrics: what THRUST counts, and /metrics for the addresses or token the settings allow.

Several granian workers are separate processes. `python -m thrust serve` gives them one
PROMETHEUS_MULTIPROC_DIR (emptied at each start), so whichever worker answers /metrics reports the
whole server: counters summed over workers, the socket gauge over live workers. Started any other
way (no such folder), each worker reports its own counts with a `worker` label (its process id).
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

from fastapi import APIRouter, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from thrust.core.client_address import client_ip
from thrust.core.errors import PermissionDenied
from thrust.core.settings import get_settings

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

HTTP_REQUESTS = Counter(
    "thrust_http_requests_total", "HTTP requests answered, by route template.", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "thrust_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SOCKET_CONNECTIONS = Gauge(
    "thrust_socket_connections", "Browser sockets connected now.", multiprocess_mode="livesum"
)
SOCKET_EVENTS = Counter("thrust_socket_events_total", "Socket events received, by outcome.", ["outcome"])
CHECK_INS = Counter("thrust_check_ins_total", "Visits started and ended.", ["kind"])
PUSH_LATENCY = Histogram(
    "thrust_live_push_seconds",
    "Time for one live push round: read the occupancy, push it to this worker's open screens.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
LIVE_DELIVERIES = Counter(
    "thrust_live_deliveries_total",
    "Live messages queued to sockets (one per socket reached), by audience and by what started the round.",
    ["audience", "cause"],
)
JOB_RUNS = Counter("thrust_job_runs_total", "Scheduled job runs, by job and outcome.", ["job", "outcome"])
JOB_DURATION = Histogram(
    "thrust_job_duration_seconds",
    "How long a job run took.",
    ["job"],
    buckets=(0.01, 0.1, 1, 5, 30, 120, 600),
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_LATENCY.labels(method, route).observe(seconds)


def observe_job(job: str, outcome: str, seconds: float) -> None:
    JOB_RUNS.labels(job, outcome).inc()
    JOB_DURATION.labels(job).observe(seconds)


def observe_check_in(kind: str, count: int = 1) -> None:
    """`kind`: in, out or auto_out."""
    if count:
        CHECK_INS.labels(kind).inc(count)


# -- exposition -------------------------------------------------------------------------------------------

_LIVE_GAUGE_FILE = re.compile(r"^gauge_live\w+_(\d+)\.db$")


def _forget_dead_workers(folder: Path) -> None:
    """Drop the live gauges of workers that exited (a restarted worker must not count twice)."""
    from prometheus_client import multiprocess

    for path in folder.glob("gauge_live*.db"):
        match = _LIVE_GAUGE_FILE.match(path.name)
        if match is None:
            continue
        pid = int(match.group(1))
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, str(folder))  # type: ignore[no-untyped-call]  # unannotated upstream
        except PermissionError:
            pass  # alive, someone else's


class _ThisWorker(Collector):
    """The default registry's metrics with a `worker` label (each worker counts on its own)."""

    def collect(self) -> Iterator[Metric]:
        worker = str(os.getpid())
        for family in REGISTRY.collect():
            labelled = Metric(family.name, family.documentation, family.type, family.unit)
            for sample in family.samples:
                labelled.add_sample(
                    sample.name, {**sample.labels, "worker": worker}, sample.value, sample.timestamp
                )
            yield labelled


def render() -> bytes:
    """The text exposition of every metric (all workers' with a multiprocess folder)."""
    registry = CollectorRegistry()
    folder = os.environ.get(MULTIPROC_ENV)
    if folder:
        from prometheus_client import multiprocess

        _forget_dead_workers(Path(folder))
        multiprocess.MultiProcessCollector(registry, path=folder)  # type: ignore[no-untyped-call]  # (same)
    else:
        registry.register(_ThisWorker())
    return generate_latest(registry)


# -- who may read it ----------------------------------------------------------------------------------------


def _has_token(request: Request, expected: str) -> bool:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and secrets.compare_digest(token.strip().encode(), expected.encode())


def _client_address(request: Request) -> str | None:
    """The caller's address, or None when a proxy we were not told to trust stands in front."""
    if get_settings().trusted_proxy_hops == 0 and (
        request.headers.get("x-forwarded-for") or request.headers.get("forwarded")
    ):
        # An untrusted proxy (often on this very host): its loopback address says nothing of the caller.
        return None
    return client_ip(request)


def may_read_metrics(request: Request) -> bool:
    settings = get_settings()
    if settings.metrics_token is not None and _has_token(request, settings.metrics_token.get_secret_value()):
        return True
    address = _client_address(request)
    if address is None:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in settings.metrics_allow)


router = APIRouter(include_in_schema=False)


@router.get("/metrics")
def get_metrics(request: Request) -> Response:
    """Prometheus text format, for the allowed addresses (default loopback) or the metrics token."""
    if not may_read_metrics(request):
        raise PermissionDenied("Metrics are only served to the addresses or token THRUST was given")
    return Response(render(), media_type=CONTENT_TYPE_LATEST)
