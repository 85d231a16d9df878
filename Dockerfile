# The app image: web (gunicorn), Celery worker and beat all run it. Slim, and never as root.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements/ requirements/
RUN pip install -r requirements/base.txt \
    && pip install --no-deps -r requirements/nodeps.txt

COPY . .
RUN DJANGO_DEBUG=true python manage.py collectstatic --noinput --verbosity 0 \
    && useradd --create-home --uid 10001 app \
    && chown -R app:app /app
USER app

EXPOSE 8000
# 4 processes x 2 threads on 2 cores (bench/load/), each with its own listening socket (--reuse-port): from
# one shared socket, keep-alive connections could mostly land on one process, which then held one core while
# the other idled; the kernel now spreads new connections over the four.
CMD ["gunicorn", "moviesyoudidntwatch.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--threads", "2", \
     "--reuse-port", "--access-logfile", "-"]
