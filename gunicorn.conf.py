"""gunicorn settings for production: `gunicorn ecommerce_admin.wsgi --config gunicorn.conf.py`.

Threaded workers keep the API responsive while a long export streams; the timeout is a
heartbeat for gthread workers (not a per-request limit), so a streamed CSV export of a million
rows runs to the end. Very large xlsx exports belong to `manage.py export_customers`.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "300"))
graceful_timeout = 30
keepalive = 5
accesslog = "-"
