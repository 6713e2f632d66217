"""Background work for cases. Tasks take ids and call services or senders."""

from celery import shared_task

from cases.emails import send_intake_receipt
from cases.models import Case
from cases.services import case_event_record


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def case_send_receipt(case_id: int) -> None:
    """Sends the intake receipt once. The event row is the claim: a retried or redelivered
    task finds it and does nothing."""
    case = Case.objects.select_related("newcomer").filter(pk=case_id).first()
    if case is None or not case.newcomer.email:
        return
    if case.events.filter(kind="cases.email.receipt_sent").exists():
        return
    send_intake_receipt(case=case)
    case_event_record(case=case, kind="cases.email.receipt_sent", actor=None)
