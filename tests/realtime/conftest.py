"""Realtime fixtures: the session's server (one worker) and the cluster (two workers on Redis, PostgreSQL)
both come from tests/server.py (`app_server`, `redis_cluster`), which the security suite shares."""
