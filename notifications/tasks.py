"""Background tasks (django-tasks): sending happens here, never in a request."""

from django_tasks import task

from . import delivery


@task()
def deliver_notification(notification_id: int) -> str | None:
    return delivery.deliver(notification_id)


@task()
def deliver_due_notifications() -> int:
    return delivery.deliver_due()
