# The Leiden welcome bot as an image: `welcomebot run` (long polling) by default,
# `run --webhook` behind a load balancer. See docs/deployment.md ("With Docker").
#   scripts/pull-base                    # the base image at its pinned digest (base-image.lock)
#   docker build -t welcomebot .
#   docker run --env-file .env -v welcomebot-data:/data welcomebot
# Behind a proxy or with a package mirror (build arguments, all optional):
#   docker build --build-arg PIP_INDEX_URL=https://mirror.example.org/simple \
#     --build-arg EXTRA_CA_CERTS_B64="$(base64 -w0 corporate-ca.pem)" -t welcomebot .
#
# The base image is named by tag here; base-image.lock holds the digest production builds
# use (scripts/pull-base pulls that digest and gives it this tag, and the build takes the
# local image). The tag must stay the same in both FROM lines and in base-image.lock
# (tests/deploy checks it).

# ---------------------------------------------------------------- build: the environment
FROM python:3.11-slim-bookworm AS build
# A package index or mirror, and extra CA certificates (PEM, base64-encoded) for a
# TLS-intercepting proxy. Used only in this stage: none of them reaches the final image.
ARG PIP_INDEX_URL
ARG PIP_EXTRA_INDEX_URL
ARG PIP_TRUSTED_HOST
ARG EXTRA_CA_CERTS_B64
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# Everything the bot imports, exactly as locked (versions and sha256 of every file), into
# /opt/welcomebot, a virtual environment without pip that the final stage copies whole.
# The wheel's build backend goes elsewhere (/opt/build-deps): it is not needed at run time.
# The test suites of numpy, scipy and scikit-learn (about 60 MB) are never run in the image.
COPY requirements.lock requirements-build.lock ./
RUN set -eu; \
    if [ -n "${EXTRA_CA_CERTS_B64:-}" ]; then \
        { cat /etc/ssl/certs/ca-certificates.crt 2>/dev/null || true; \
          printf '%s' "$EXTRA_CA_CERTS_B64" | base64 -d; } > /tmp/ca-bundle.pem; \
        export PIP_CERT=/tmp/ca-bundle.pem; \
    fi; \
    python3 -m venv --without-pip /opt/welcomebot; \
    python3 -m pip --python /opt/welcomebot/bin/python install --require-hashes --no-deps \
        -r requirements.lock; \
    python3 -m pip install --require-hashes --no-deps --target /opt/build-deps \
        -r requirements-build.lock; \
    for pkg in numpy scipy sklearn; do \
        find /opt/welcomebot/lib/python3*/site-packages/$pkg -depth -type d -name tests \
            -exec rm -rf {} +; \
    done; \
    rm -f /tmp/ca-bundle.pem
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
        /opt/welcomebot/bin/pybabel compile --statistics -d locales -D messages; \
    fi; \
    PYTHONPATH=/opt/build-deps python3 -m pip wheel --no-deps --no-build-isolation \
        --wheel-dir /tmp/dist . ; \
    python3 -m pip --python /opt/welcomebot/bin/python install --no-deps --no-index \
        /tmp/dist/leiden_welcome_bot-*.whl

# ---------------------------------------------------------------- runtime
FROM python:3.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/welcomebot/bin:$PATH \
    DATA_DIR=/data \
    WEBHOOK_PORT=8443
RUN groupadd --system --gid 10001 welcomebot \
 && useradd --system --uid 10001 --gid welcomebot --create-home --home-dir /home/welcomebot welcomebot \
 && install -d -o welcomebot -g welcomebot -m 0700 /data
# only the installed environment: no wheels, no pip, no build backend
COPY --from=build /opt/welcomebot /opt/welcomebot
USER welcomebot
WORKDIR /home/welcomebot
# The FAQ the image ships must pass its own check; this also fills the word-frequency
# cache in the image, so the first start is fast.
RUN welcomebot faq check
# DATA_DIR: the SQLite database (when DATABASE_URL is not set), records waiting for the
# database, each replica's heartbeat (heartbeat.<REPLICA_ID>) the health check reads.
VOLUME ["/data"]
EXPOSE 8443
# Alive = this container's bot (REPLICA_ID, by default the container's hostname) wrote its
# heartbeat in the last 3 minutes; in webhook mode also GET /healthz on WEBHOOK_PORT.
# No token or database needed.
HEALTHCHECK --interval=60s --timeout=15s --start-period=60s --retries=3 \
  CMD ["welcomebot", "health"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["welcomebot"]
CMD ["run"]
