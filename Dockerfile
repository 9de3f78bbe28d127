# The Leiden welcome bot: `welcomebot run` (polling by default; set WEBHOOK_* and pass
# --webhook for webhook mode). Build: docker build -t welcomebot .
FROM python:3.11-slim AS build
WORKDIR /src
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY faq ./faq
COPY storage ./storage
COPY locales ./locales
# compile the gettext catalogues so the image never has to (its files are read-only)
RUN pip install "Babel>=2.15" \
 && pybabel compile -d locales -D messages \
 && pip wheel --no-deps -w /wheels . \
 && pip wheel -w /wheels /wheels/*.whl

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATA_DIR=/data WEBHOOK_PORT=8443
RUN useradd --create-home --uid 10001 welcomebot \
 && mkdir -p /data && chown welcomebot /data
COPY --from=build /wheels /wheels
RUN pip install /wheels/*.whl && rm -rf /wheels
USER welcomebot
WORKDIR /home/welcomebot
VOLUME ["/data"]
EXPOSE 8443
# polling mode has no port to probe; the health command checks the process can load the
# FAQ and reach its database (webhook mode also answers GET /healthz)
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 \
  CMD ["welcomebot", "health"]
ENTRYPOINT ["welcomebot"]
CMD ["run"]
