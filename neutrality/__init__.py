# The Celery app is created with Django, so that `shared_task`s bind to it in web servers and workers alike.
from neutrality.celery import app as celery_app

__all__ = ("celery_app",)
