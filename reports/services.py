"""The monthly report e-mail: each active coordinator's PDF, in their language, once."""

import logging
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format

from outbox.services import email_queue
from reports import pdf, selectors
from reports.forms import DashboardFilters
from reports.models import MonthlyReportDelivery
from reports.periods import month_pair

logger = logging.getLogger(__name__)


@dataclass
class MonthlyRun:
    sent: list[int] = field(default_factory=list)  # user ids queued now
    already: list[int] = field(default_factory=list)  # user ids queued by an earlier run


def last_month(*, today: date) -> date:
    return (today.replace(day=1) - date.resolution).replace(day=1)


def recipient_language(user: User) -> str:
    """Staff have no language field; a profile's language wins once one exists."""
    language = getattr(getattr(user, "profile", None), "language", "") or ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


@transaction.atomic
def monthly_report_deliver(*, user: User, month: date, today: date) -> bool:
    """Renders, stores and queues one coordinator's report for `month`; False when an
    earlier run already did.

    1. Insert the (user, month) row, in a savepoint. The unique constraint is the claim: a
       second run, or a concurrent one (PostgreSQL makes it wait for the first to commit),
       gets an IntegrityError and sends nothing.
    2. Read the figures as the coordinator (the whole region) and render the PDF in their
       language; store it in default_storage, where the outbox reads attachments.
    3. Queue the e-mail in the same transaction. Anything failing before the commit rolls
       the claim back, so the next run tries again; only the stored file may be left over.
    """
    language = recipient_language(user)
    try:
        with transaction.atomic():
            delivery = MonthlyReportDelivery.objects.create(
                user=user, month=month, language=language
            )
    except IntegrityError:
        return False
    with translation.override(language):
        data = selectors.dashboard_figures(
            user=user,
            periods=month_pair(month=month, today=today),
            filters=DashboardFilters(),
            today=today,
        )
        content = pdf.render_monthly_report(data=data)
        month_label = date_format(month, "YEAR_MONTH_FORMAT")
    filename = f"tilflytt-report-{month:%Y-%m}.pdf"
    path = default_storage.save(
        f"monthly-reports/{month:%Y-%m}/{delivery.pk}-{filename}", ContentFile(content)
    )
    delivery.file = path
    delivery.email = email_queue(
        kind="reports.monthly_report",
        to=user.email,
        template="monthly_report",
        language=language,
        context={"user": user, "month": month_label, "site_url": settings.SITE_URL},
        attachments=[{"filename": filename, "mimetype": "application/pdf", "path": path}],
    )
    delivery.save(update_fields=["file", "email"])
    return True


def monthly_report_send(*, month: date | None = None, dry_run: bool = False) -> MonthlyRun:
    """Sends `month`'s report (default: last month) to every active coordinator with an
    e-mail address who has not had it yet. Idempotent: safe to run again, by beat on the
    1st and by hand (`manage.py send_monthly_report`); each coordinator gets it once.
    With dry_run nothing is written: `sent` lists who would get it."""
    today = timezone.localdate()
    month = (month or last_month(today=today)).replace(day=1)
    result = MonthlyRun()
    done = set(MonthlyReportDelivery.objects.filter(month=month).values_list("user_id", flat=True))
    for user in selectors.monthly_report_recipients():
        if dry_run:
            (result.already if user.pk in done else result.sent).append(user.pk)
        elif monthly_report_deliver(user=user, month=month, today=today):
            result.sent.append(user.pk)
        else:
            result.already.append(user.pk)
    logger.info(
        "monthly report %s: %d queued, %d already sent%s",
        f"{month:%Y-%m}",
        len(result.sent),
        len(result.already),
        " (dry run)" if dry_run else "",
    )
    return result
