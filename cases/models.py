"""Enquiries (cases), their follow-ups, notes and timeline."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.texts import text_for
from contacts.models import Newcomer, Organisation


class Topic(models.Model):
    slug = models.SlugField(_("key"), max_length=40, unique=True)
    name_nb = models.CharField(_("name (bokmål)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    # Names in the other languages of the public form, by language code ({"pl": "…"}), so
    # that a new language is data, not a migration. A language without one gets English.
    names = models.JSONField(
        _("names in other languages"),
        default=dict,
        blank=True,
        help_text=_('By language code, for example {"pl": "Mieszkanie", "uk": "Житло"}.'),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        # The one rule for texts from data (config.texts): the reader's language, then
        # English, then bokmål; bokmål and English live in their own columns here.
        return text_for({"nb": self.name_nb, "en": self.name_en, **(self.names or {})})


class ReferenceCounter(models.Model):
    """The last case number used in a year; incremented under a row lock (cases.services)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Case(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        WAITING = "waiting", _("Waiting")
        CLOSED = "closed", _("Closed")

    class Channel(models.TextChoices):
        FORM = "form", _("Intake form")
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("E-mail")
        EVENT = "event", _("Event")
        REFERRAL = "referral", _("Referral")
        IMPORT = "import", _("Spreadsheet import")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class ClosingReason(models.TextChoices):
        ANSWERED = "answered", _("Answered")
        MOVED = "moved", _("Moved to the region")
        NOT_MOVING = "not_moving", _("Decided not to move")
        NO_REPLY = "no_reply", _("No reply from the newcomer")
        DUPLICATE = "duplicate", _("Duplicate")
        OTHER = "other", _("Other")

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    newcomer = models.ForeignKey(
        Newcomer, verbose_name=_("newcomer"), on_delete=models.PROTECT, related_name="cases"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True)
    message = models.TextField(_("message"), max_length=5000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    closing_reason = models.CharField(
        _("closing reason"), max_length=20, choices=ClosingReason.choices, blank=True
    )
    priority = models.CharField(
        _("priority"), max_length=20, choices=Priority.choices, default=Priority.NORMAL
    )
    responsible_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_cases",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_cases",
    )
    shared_with = models.ManyToManyField(
        Organisation, verbose_name=_("shared with"), blank=True, related_name="shared_cases"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    # The first-response target (cases.workingtime), set on opening and on a priority
    # change; null for cases opened before targets existed.
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The earliest due date of the case's open follow-ups, none without one, kept by the
    # services through cases.followup_due: "overdue" is then a test of the case's own row,
    # which the overdue filter reads from an index, instead of a probe of its follow-ups.
    next_followup_due = models.DateField(
        _("next follow-up due"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # The list by status, newest first. The responsible organisation and the key
            # ride along (INCLUDE) so that counting a status's cases for one organisation
            # reads the index alone: at a million cases, 10,001 open cases of one
            # organisation took 100-540 ms from the table and 38 ms from the index.
            models.Index(
                fields=["status", "-created_at"],
                include=["responsible_organisation", "id"],
                name="cases_case_status_created_org",
            ),
            # send_reminders sweep (reminders-sweep): cases still waiting for a first
            # response, by their target.
            models.Index(
                fields=["first_response_due"],
                condition=models.Q(first_response_at=None),
                name="cases_case_response_due",
            ),
            # The overdue filter newest first (cases.selectors.case_overdue_q): the cases
            # with an open follow-up, not closed (case_followup_open_q). Their date rides
            # along, their status and what a member's rule reads of the row, so the walk
            # and its window's edge (cases.paging) read the index alone. At a million
            # cases 1,001 keys in 0.4 ms, against 21 ms probing the follow-ups
            # (docs/benchmarks.md).
            models.Index(
                fields=["-created_at", "-id"],
                include=["next_followup_due", "status", "responsible_organisation", "owner"],
                condition=models.Q(next_followup_due__isnull=False) & ~models.Q(status="closed"),
                name="cases_case_followup_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(status="closed", closed_at__isnull=False)
                    | (~models.Q(status="closed") & models.Q(closed_at__isnull=True))
                ),
                name="cases_case_closed_at_iff_closed",
            ),
            models.CheckConstraint(
                condition=models.Q(status="closed") | models.Q(closing_reason=""),
                name="cases_case_reason_only_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class FollowUp(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="followups")
    title = models.CharField(_("title"), max_length=200)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        related_name="followups",
    )
    due_date = models.DateField(_("due"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Whether the case is closed, so the follow-up rests (cases.selectors.case_work_rests),
    # kept equal to it by cases.services: the open work's indexes leave resting work out
    # without reading the cases (docs/benchmarks.md).
    rests = models.BooleanField(_("resting"), default=False, db_default=False, editable=False)

    class Meta:
        ordering = ["done_at", "due_date", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [
            # "My work" and the overdue filter look up open follow-ups by assignee and date.
            models.Index(
                fields=["assignee", "due_date"],
                condition=models.Q(done_at=None, rests=False),
                name="cases_followup_open_due",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date) -> bool:
        """Open, past its date, and not resting on a closed case."""
        return self.done_at is None and not self.rests and self.due_date < today


class Note(models.Model):
    class Visibility(models.TextChoices):
        TEAM = "team", _("Team")
        CONFIDENTIAL = "confidential", _("Confidential to my organisation")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The author's organisation when the note was written: confidentiality follows it even
    # if the author later changes organisation.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    visibility = models.CharField(
        _("visible to"), max_length=20, choices=Visibility.choices, default=Visibility.TEAM
    )
    body = models.TextField(_("note"), max_length=10000)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visibility="team") | models.Q(organisation__isnull=False),
                name="cases_note_confidential_has_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} #{self.pk}"


class CaseEvent(models.Model):
    """One row per meaningful change: the case's timeline and audit trail.

    `data` holds ids and codes, never names or e-mail addresses. Notes and follow-ups are
    linked so the timeline renders without a query per row.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=60)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(_("data"), default=dict, blank=True)
    note = models.ForeignKey(
        Note, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    followup = models.ForeignKey(
        FollowUp, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        indexes = [models.Index(fields=["case", "-created_at"], name="cases_event_case_time")]

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"


class NewcomerMessage(models.Model):
    """A message the newcomer sent the team from their own page (portal). On the
    case's timeline (kind "contacts.newcomer.message"); seen by whoever sees the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="newcomer_messages")
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message from the newcomer")
        verbose_name_plural = _("messages from the newcomer")

    def __str__(self) -> str:
        return f"{self.case} #{self.pk}"


class CaseUnread(models.Model):
    """A case with a newcomer's message its reader has not opened since (cases.unread).

    One row per (case, reader) while unread, deleted when the reader opens the case: the
    list's badge and filter are one indexed look-up by reader, and a case read by everyone
    costs no row at all. Holds ids and a time only, nothing of the newcomer's."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(_("unread since"), default=timezone.now)

    class Meta:
        verbose_name = _("unread case")
        verbose_name_plural = _("unread cases")
        constraints = [
            # The (user, case) index serves the badge, the filter and "My work"'s count.
            models.UniqueConstraint(fields=["user", "case"], name="cases_caseunread_user_case")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.user_id}"


class SavedView(models.Model):
    """The case list's filters and sort under a name (cases.saved_views): a person's own,
    and shown to every member of `organisation` when a coordinator shares it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(_("name"), max_length=60)
    # The list's query string without the page, normalised (cases.saved_views).
    query = models.CharField(_("filters"), max_length=1000, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("shared with"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="cases_savedview_owner_name")
        ]

    def __str__(self) -> str:
        return self.name
