"""gunicorn's settings for the image (Dockerfile CMD, docker-compose.yml web).

gunicorn reads this file from its working directory by itself, so
`gunicorn csoprogram.wsgi` is the whole command wherever it runs.
"""

import os

# Inside the compose network only: the proxy (Caddy) is the way in.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Three sync workers suit the two-core machine the load test measured.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
accesslog = "-"
# A worker that takes longer than this on one request is restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
