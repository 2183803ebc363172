"""Job test helpers: run queued jobs eagerly, read job state through the API."""

import contextlib

import pytest

from ecommerce_admin.celery import app as celery_app


@pytest.fixture
def eager(settings):
    """Tasks run in the caller's process when queued (on commit of the creating request)."""
    settings.JOB_HEARTBEAT_SECONDS = 0  # inline progress writes on every step
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def run_jobs(eager, django_capture_on_commit_callbacks):
    """`with run_jobs(): client.post(...)`: the job queued by the request runs at its commit."""

    @contextlib.contextmanager
    def runner():
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return runner


@pytest.fixture
def queue_only(django_capture_on_commit_callbacks):
    """Requests create jobs but nothing runs them (their message is dropped): jobs stay queued."""

    @contextlib.contextmanager
    def runner():
        with django_capture_on_commit_callbacks(execute=False):
            yield

    return runner
