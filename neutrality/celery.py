"""The Celery application: background jobs (large PDF documents, sweeps) on the broker in the settings.

Workers start with `celery -A neutrality worker`, the periodic tasks with `celery -A neutrality beat`; both read
the same Django settings as the web servers (every `CELERY_*` setting, see neutrality/settings.py).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "neutrality.settings")

app = Celery("neutrality")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
