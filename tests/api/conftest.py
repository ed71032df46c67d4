"""API fixtures: the FastAPI app over the test database, spoken to through a real HTTP client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from thrust.core.db import set_engine
from thrust.core.http import get_session
from thrust.core.settings import get_settings


@pytest.fixture
def make_client(engine: Engine, db: Session) -> Iterator[object]:
    """Build a TestClient for an API app, with its sessions bound to the test's transaction."""
    clients: list[TestClient] = []
    set_engine(engine)
    get_settings.cache_clear()

    def make(api: FastAPI) -> TestClient:
        def _session() -> Iterator[Session]:
            yield db
            db.flush()

        api.dependency_overrides[get_session] = _session
        client = TestClient(api, raise_server_exceptions=False)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
    set_engine(None)
    get_settings.cache_clear()
