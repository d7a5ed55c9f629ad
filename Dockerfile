# Kết Nối — production image: Python 3.11 slim (Debian bookworm), Noto fonts and Pango for
# WeasyPrint, a non-root user; runs the migrations, then uvicorn.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      fonts-noto-core fonts-noto-cjk \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
 && rm -rf /var/lib/apt/lists/* \
 && fc-cache -f

RUN groupadd --system ketnoi && useradd --system --gid ketnoi --home-dir /app --shell /usr/sbin/nologin ketnoi
WORKDIR /app

# Dependencies first, in their own layer, pinned by the lock file; a placeholder package
# lets pip resolve the project's dependencies before the source is copied.
COPY pyproject.toml constraints.txt README.md ./
RUN mkdir app && touch app/__init__.py \
 && pip install -c constraints.txt . \
 && pip uninstall -y ketnoi \
 && rm -rf app build *.egg-info

# The application: code, templates, static files and migrations stay under /app, where the
# editable install finds them.
COPY alembic.ini babel.cfg ./
COPY app ./app
COPY templates ./templates
COPY static ./static
COPY migrations ./migrations
RUN pip install --no-deps -e . \
 && mkdir -p /app/var \
 && chown -R ketnoi:ketnoi /app/var

USER ketnoi
EXPOSE 8000

# Set KETNOI_DATABASE_URL (PostgreSQL), KETNOI_SECRET_KEY (required: the container refuses to
# start without it) and KETNOI_BASE_URL; KETNOI_ADMIN_EMAIL and KETNOI_ADMIN_PASSWORD create
# the first organiser on first start.
ENV KETNOI_ENVIRONMENT=production \
    KETNOI_SECURE_COOKIES=true \
    WEB_CONCURRENCY=2

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"

CMD ["sh", "-c", "ketnoi migrate && exec ketnoi serve --host 0.0.0.0 --port 8000 --workers ${WEB_CONCURRENCY}"]
