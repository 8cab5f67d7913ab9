"""The import steps as background tasks (django-tasks, run by the worker `zhuqi run` starts)."""

from __future__ import annotations

from django_tasks import task

from zhuqi.imports import jobs


@task()
def check_import(job_id: int) -> None:
    jobs.run_check(job_id)


@task()
def apply_import(job_id: int) -> None:
    jobs.run_apply(job_id)


@task()
def sweep_imports() -> dict[str, int]:
    return {"resumed": jobs.resume_stalled(), "removed": jobs.forget_old()}
