"""Settling-in check-ins and their answers: did the newcomers stay, and how are they?

A check-in is planned for each newcomer who has moved, at 3, 6, 12 and 24 months after the
move date (per onboarding template: CheckInSchedule; else settings.OUTCOMES_CHECKIN_MONTHS).
The sweep (outcomes.services.checkins_sweep) writes the row when it becomes due, claims it
with a conditional UPDATE before the invitation goes to the outbox, and sends at most one
reminder the same way. The answer is the newcomer's (on their page) or staff's record of
an answer given by phone.

Each row keeps what the dashboard groups by (move date, municipality, target group), so
that an erased newcomer's rows stay as anonymous aggregates: erasure cuts the links to the
newcomer and the case, blanks the free texts and coarsens the move date to its quarter
(docs/outcomes.md).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from contacts.models import Municipality, Newcomer
from onboarding.models import OnboardingTemplate


class CheckInSchedule(models.Model):
    """The months after the move date at which an onboarding template's newcomers are
    asked; a template without one uses settings.OUTCOMES_CHECKIN_MONTHS."""

    template = models.OneToOneField(
        OnboardingTemplate,
        verbose_name=_("onboarding template"),
        on_delete=models.CASCADE,
        related_name="checkin_schedule",
    )
    months = models.CharField(
        _("months after the move"),
        max_length=60,
        help_text=_("Comma-separated, for example 3,6,12,24."),
    )

    class Meta:
        verbose_name = _("check-in schedule")
        verbose_name_plural = _("check-in schedules")

    def __str__(self) -> str:
        return f"{self.template}: {self.months}"

    def month_list(self) -> list[int]:
        return parse_months(self.months)


def parse_months(text: str) -> list[int]:
    """ "3, 6,12" -> [3, 6, 12]; what is not a whole number of months from 1 to 120 is
    dropped by the form that saves it (outcomes.forms), never here."""
    values = {int(part) for part in text.replace(" ", "").split(",") if part.isdigit()}
    return sorted(v for v in values if 1 <= v <= 120)


class CheckIn(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Planned")
        INVITED = "invited", _("Invited")
        ANSWERED = "answered", _("Answered")
        MISSED = "missed", _("Missed")
        SKIPPED = "skipped", _("Not invited")

    class TargetGroup(models.TextChoices):
        # The same codes as contacts.Newcomer.TargetGroup: a copy kept after erasure.
        RETURNING = "returning", _("Returning local")
        FAMILY = "family", _("Family with children")
        EU_WORKER = "eu_worker", _("Labour migrant from the EU/EEA")
        NON_EU_WORKER = "non_eu_worker", _("Labour migrant from outside the EU/EEA")
        STUDENT = "student", _("Student or young adult")
        PARTNER = "partner", _("Accompanying partner")
        REFUGEE = "refugee", _("Refugee settled by the municipality")
        OTHER = "other", _("Other")

    # Null once the newcomer is erased: the row is then an anonymous aggregate.
    newcomer = models.ForeignKey(
        Newcomer, on_delete=models.PROTECT, null=True, blank=True, related_name="checkins"
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="checkins"
    )
    months = models.PositiveSmallIntegerField(_("months after the move"))
    move_date = models.DateField(_("move date"))
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    target_group = models.CharField(
        _("target group"), max_length=20, choices=TargetGroup.choices, default="other"
    )
    due_date = models.DateField(_("due"))
    # The local invitation time on the due day, or on the next working day.
    due_at = models.DateTimeField(_("invite at"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    # The newcomer said at an earlier check-in that they had moved away: unanswered, this
    # one counts as away in the retention figures. Set by checkin_answer_record and when
    # the row is planned, so the figures need no subquery per row.
    left_before = models.BooleanField(_("moved away at an earlier check-in"), default=False)
    # Why it was not invited or failed: a code and an exception class, never an address.
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-due_date", "-pk"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            # Exactly once: two sweeps planning the same check-in insert one row.
            models.UniqueConstraint(
                fields=["newcomer", "months"],
                condition=models.Q(newcomer__isnull=False),
                name="outcomes_checkin_once",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending", invited_at__isnull=True)
                | ~models.Q(status="pending"),
                name="outcomes_checkin_pending_not_invited",
            ),
            models.CheckConstraint(
                condition=models.Q(reminded_at__isnull=True) | models.Q(invited_at__isnull=False),
                name="outcomes_checkin_reminded_after_invited",
            ),
        ]
        indexes = [
            # checkins-sweep: the pending rows that are due.
            models.Index(
                fields=["due_at"],
                condition=models.Q(status="pending"),
                name="outcomes_checkin_pending_due",
            ),
            # checkins-sweep: the invited rows waiting for their one reminder.
            models.Index(
                fields=["invited_at"],
                condition=models.Q(status="invited", reminded_at__isnull=True),
                name="outcomes_checkin_to_remind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.months} months ({self.due_date})"

    def is_open(self) -> bool:
        """Whether an answer may still be given: invited, or due and not yet invited."""
        return self.status in {self.Status.PENDING, self.Status.INVITED}


class Living(models.TextChoices):
    YES = "yes", _("Yes, I still live where I moved to")
    WITHIN = "within", _("I have moved within the region")
    AWAY = "away", _("I have moved away from the region")


class MovedTo(models.TextChoices):
    # Norway's counties from 2024, and abroad.
    OSLO = "oslo", "Oslo"
    AKERSHUS = "akershus", "Akershus"
    OSTFOLD = "ostfold", "Østfold"
    BUSKERUD = "buskerud", "Buskerud"
    INNLANDET = "innlandet", "Innlandet"
    VESTFOLD = "vestfold", "Vestfold"
    TELEMARK = "telemark", "Telemark"
    AGDER = "agder", "Agder"
    ROGALAND = "rogaland", "Rogaland"
    VESTLAND = "vestland", "Vestland"
    MORE_ROMSDAL = "more_romsdal", "Møre og Romsdal"
    TRONDELAG = "trondelag", "Trøndelag"
    NORDLAND = "nordland", _("Elsewhere in Nordland")
    TROMS = "troms", "Troms"
    FINNMARK = "finnmark", "Finnmark"
    ABROAD = "abroad", _("Abroad")


class MovedReason(models.TextChoices):
    WORK = "work", _("Work")
    PARTNER_WORK = "partner_work", _("Work for my partner")
    HOUSING = "housing", _("Housing")
    FAMILY = "family", _("Family and friends")
    EDUCATION = "education", _("Education")
    SERVICES = "services", _("Services (health, kindergarten, school)")
    SOCIAL = "social", _("Social life and leisure")
    CLIMATE = "climate", _("Climate and distances")
    OTHER = "other", _("Other")


class Work(models.TextChoices):
    IN_FIELD = "in_field", _("Employed in their field")
    OTHER = "other", _("Other work")
    SEEKING = "seeking", _("Seeking work")
    NOT_SEEKING = "not_seeking", _("Not seeking work")
    STUDYING = "studying", _("Studying")


class ChildPlace(models.TextChoices):
    YES = "yes", _("Yes, they have a place")
    WAITING = "waiting", _("Waiting for a place")
    NO = "no", _("No, not wanted")
    NOT_APPLICABLE = "na", _("Does not apply to us")


class Theme(models.TextChoices):
    """The team's survey themes: what helped most, and what was missing."""

    HOUSING = "housing", _("Housing")
    PARTNER_WORK = "partner_work", _("Work for the partner")
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    LANGUAGE = "language", _("Language course")
    SOCIAL = "social", _("Social life and leisure")
    INFORMATION = "information", _("Information")
    HEALTH = "health", _("Health services")
    TRANSPORT = "transport", _("Transport")


class Answer(models.Model):
    class Via(models.TextChoices):
        PORTAL = "portal", _("On the newcomer's page")
        PHONE = "phone", _("By phone, recorded by staff")

    checkin = models.OneToOneField(CheckIn, on_delete=models.CASCADE, related_name="answer")
    via = models.CharField(_("answered"), max_length=10, choices=Via.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)
    living = models.CharField(
        _("Still living in the region?"), max_length=10, choices=Living.choices
    )
    moved_to = models.CharField(
        _("Where did you move?"), max_length=20, choices=MovedTo.choices, blank=True
    )
    moved_reason = models.CharField(
        _("Why did you move?"), max_length=20, choices=MovedReason.choices, blank=True
    )
    moved_reason_text = models.TextField(_("Anything to add?"), max_length=2000, blank=True)
    settled = models.PositiveSmallIntegerField(
        _("How settled do you feel?"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    recommend = models.PositiveSmallIntegerField(
        _("Would you recommend the region to others?"),
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    work_self = models.CharField(_("Your work"), max_length=20, choices=Work.choices)
    work_partner = models.CharField(
        _("Your partner's work"), max_length=20, choices=Work.choices, blank=True
    )
    kindergarten = models.CharField(
        _("Kindergarten"),
        max_length=10,
        choices=ChildPlace.choices,
        default=ChildPlace.NOT_APPLICABLE,
    )
    school = models.CharField(
        _("School"), max_length=10, choices=ChildPlace.choices, default=ChildPlace.NOT_APPLICABLE
    )
    # Lists of Theme codes.
    helped = models.JSONField(_("What helped most"), default=list, blank=True)
    helped_text = models.TextField(
        _("What helped most, in your words"), max_length=2000, blank=True
    )
    missing = models.JSONField(_("What was missing"), default=list, blank=True)
    missing_text = models.TextField(
        _("What was missing, in your words"), max_length=2000, blank=True
    )
    contact_again = models.BooleanField(_("May we contact you again?"), default=True)

    class Meta:
        verbose_name = _("check-in answer")
        verbose_name_plural = _("check-in answers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(settled__gte=1, settled__lte=5)
                & models.Q(recommend__gte=0, recommend__lte=10),
                name="outcomes_answer_scales",
            ),
            models.CheckConstraint(
                condition=models.Q(via="portal") | models.Q(recorded_by__isnull=False),
                name="outcomes_answer_phone_has_recorder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.checkin} {self.via}"

    @property
    def stayed(self) -> bool:
        return self.living != Living.AWAY


class UnmetNeed(models.Model):
    """One "what was missing" theme from an answer (or its free text, theme ""), for the
    coordinators' list, where they review and tag it."""

    class Tag(models.TextChoices):
        KNOWN = "known", _("Known; being worked on")
        NEW = "new", _("New need")
        PARTNER = "partner", _("Passed on to a partner agency")
        OUT_OF_REACH = "out_of_reach", _("Out of our reach")

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="unmet_needs")
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices, blank=True)
    tag = models.CharField(_("tag"), max_length=20, choices=Tag.choices, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["reviewed_at", "-answer__answered_at", "pk"]
        verbose_name = _("unmet need")
        verbose_name_plural = _("unmet needs")
        constraints = [
            models.UniqueConstraint(fields=["answer", "theme"], name="outcomes_unmetneed_once")
        ]

    def __str__(self) -> str:
        return self.theme or "text"


class CheckInOptOut(models.Model):
    """The newcomer said no more questionnaires (on their page, in an answer, or to staff);
    no invitation or reminder is sent to them after it."""

    newcomer = models.OneToOneField(
        Newcomer, on_delete=models.CASCADE, related_name="checkin_opt_out"
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("no more check-ins")
        verbose_name_plural = _("no more check-ins")

    def __str__(self) -> str:
        return f"{self.newcomer_id}"
