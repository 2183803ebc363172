"""Celery tasks: run a job; the periodic sweep of dead workers' jobs and of expired files.

`run_job` is acknowledged late (settings: CELERY_TASK_ACKS_LATE), and whatever happens to the
message, the job row decides: a job runs only after `claim()` moved it from queued to running.
"""

import os
import socket

from celery import shared_task

from . import runner, services


@shared_task(name="jobs.run_job", bind=True)
def run_job(self, job_id: int) -> str:
    eager = bool(self.request.is_eager or self.request.called_directly)
    worker = self.request.hostname or socket.gethostname()
    return runner.run(job_id, worker=f"{worker}:{os.getpid()}", threaded=not eager)


@shared_task(name="jobs.sweep_stale_jobs", ignore_result=True)
def sweep_stale_jobs() -> dict:
    return services.sweep_stale_jobs()


@shared_task(name="jobs.delete_expired_files", ignore_result=True)
def delete_expired_files() -> int:
    return services.delete_expired_files()
