"""Celery tasks for reminders: a thin interface over notices.services."""

from celery import shared_task

from .services import reminders_pass as reminders_pass_run


@shared_task
def reminders_pass():
    """One pass of the reminder engine, as beat schedules it every few minutes."""
    return reminders_pass_run()
