# syntax=docker/dockerfile:1
# The Leiden welcome bot as an image: `welcomebot run` (long polling) by default,
# `run --webhook` behind a load balancer. See docs/deployment.md.
#   docker build -t welcomebot .
#   docker run --env-file .env -v welcomebot-data:/data welcomebot

# ---------------------------------------------------------------- build: wheels only
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN pip install "Babel>=2.15"
# what goes into the wheel (.dockerignore keeps tests, caches and local data out)
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY faq ./faq
COPY storage ./storage
COPY locales ./locales
# Compile the interface catalogues into the wheel: the installed package is read-only for
# the bot's user. A tree without catalogues builds too (the bot then speaks English).
RUN set -eu; \
    if ls locales/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
        pybabel compile --statistics -d locales -D messages; \
    fi; \
    pip wheel --no-deps --wheel-dir /wheels . ; \
    pip wheel --wheel-dir /wheels /wheels/leiden_welcome_bot-*.whl

# ---------------------------------------------------------------- runtime
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATA_DIR=/data \
    WEBHOOK_PORT=8443
RUN groupadd --system --gid 10001 welcomebot \
 && useradd --system --uid 10001 --gid welcomebot --create-home --home-dir /home/welcomebot welcomebot \
 && install -d -o welcomebot -g welcomebot -m 0700 /data
COPY --from=build /wheels /wheels
RUN pip install --no-index --find-links /wheels leiden-welcome-bot && rm -rf /wheels
USER welcomebot
WORKDIR /home/welcomebot
# The FAQ the image ships must pass its own check; this also fills the word-frequency
# cache in the image, so the first start is fast.
RUN welcomebot faq check
# DATA_DIR: the SQLite database (when DATABASE_URL is not set), records waiting for the
# database, the heartbeat the health check reads.
VOLUME ["/data"]
EXPOSE 8443
# Alive = the bot's job queue wrote DATA_DIR/heartbeat in the last 3 minutes; in webhook
# mode also GET /healthz on WEBHOOK_PORT. No token or database needed.
HEALTHCHECK --interval=60s --timeout=15s --start-period=60s --retries=3 \
  CMD ["welcomebot", "health"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["welcomebot"]
CMD ["run"]
