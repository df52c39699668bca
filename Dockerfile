# One image for the three Django processes: web (gunicorn), Celery worker and Celery beat.

# GOV.UK Frontend from the npm registry, built as the Makefile builds it (frontend/build/).
FROM node:20-slim AS frontend
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/application.scss frontend/application.mjs frontend/
RUN npm run --silent build \
    && mkdir -p frontend/build/govuk \
    && cp -R node_modules/govuk-frontend/dist/govuk/assets frontend/build/govuk/assets \
    && cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js frontend/build/govuk/ \
    && cp frontend/application.mjs frontend/build/

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    VAR_DIR=/app/var

# Letters are laid out by WeasyPrint: Pango, HarfBuzz's subsetter and the DejaVu fonts from Debian.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
COPY --from=frontend /build/frontend/build frontend/build
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && useradd --system --create-home csprp \
    && mkdir -p /data/media \
    && chown -R csprp /app/var /data/media
USER csprp

EXPOSE 8000
CMD ["gunicorn", "csprp.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
