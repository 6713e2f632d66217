"""Employers' recruitment needs, and the cases suggested to them (issue 23, docs/jobs.md)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from contacts.models import Locality, Municipality, Organisation
from occupations.models import Occupation


class NorwegianLevel(models.TextChoices):
    """The Norwegian a position needs, as CEFR levels (the scale of Norwegian courses)."""

    NONE = "none", _("None needed")
    A1 = "a1", "A1"
    A2 = "a2", "A2"
    B1 = "b1", "B1"
    B2 = "b2", "B2"
    C1 = "c1", "C1"


class RecruitmentNeed(models.Model):
    """Positions an employer wants filled. It holds no newcomer's data: the contact is the
    employer's own person (a name, phone and e-mail at work), not a newcomer, so it is not
    in config.personal_data and is kept on the change history like other staff data."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        FILLED = "filled", _("Filled")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    employer = models.ForeignKey(
        Organisation,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="recruitment_needs",
    )
    # A unit group ("7411") or, when the employer is less precise, a minor group ("741").
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("occupation"), on_delete=models.PROTECT, related_name="+"
    )
    positions = models.PositiveSmallIntegerField(_("positions"), default=1)
    # The municipality always; the locality when the place is that precise.
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    locality = models.ForeignKey(
        Locality,
        verbose_name=_("locality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    norwegian_level = models.CharField(
        _("Norwegian needed"),
        max_length=10,
        choices=NorwegianLevel.choices,
        default=NorwegianLevel.NONE,
    )
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    deadline = models.DateField(_("application deadline"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.OPEN)
    filled_at = models.DateTimeField(_("filled"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("recruitment need")
        verbose_name_plural = _("recruitment needs")
        indexes = [
            # jobs.matching.needs_for_case: the open needs of one municipality.
            models.Index(
                fields=["municipality", "occupation"],
                condition=models.Q(state="open"),
                name="jobs_need_open_place",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(positions__gte=1), name="jobs_recruitmentneed_positions"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(state="open", filled_at=None, withdrawn_at=None)
                    | models.Q(state="filled", filled_at__isnull=False, withdrawn_at=None)
                    | models.Q(state="withdrawn", filled_at=None, withdrawn_at__isnull=False)
                ),
                name="jobs_recruitmentneed_state_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occupation} · {self.employer}"


class NeedSuggestion(models.Model):
    """A case suggested to a need's employer (its case shared with them), and how it ended.

    Links a newcomer's case, so it is personal data (jobs.personal_data): erasure cuts the
    link and keeps the row, whose codes the dashboard counts (matched, placed)."""

    class Person(models.TextChoices):
        NEWCOMER = "newcomer", _("The newcomer")
        PARTNER = "partner", _("The partner")

    class Outcome(models.TextChoices):
        PENDING = "", _("Not yet known")
        PLACED = "placed", _("Placed")
        DECLINED = "declined", _("Not placed")

    need = models.ForeignKey(
        RecruitmentNeed,
        verbose_name=_("recruitment need"),
        on_delete=models.CASCADE,
        related_name="suggestions",
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    person = models.CharField(_("who fits"), max_length=10, choices=Person.choices)
    # The person's code that fitted, kept after erasure: the dashboard counts by its group.
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("occupation"), on_delete=models.PROTECT, related_name="+"
    )
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("suggested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("suggested"), default=timezone.now)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, blank=True, default=""
    )
    outcome_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True)
    # The suggestion (or its latest round) shared the case with the employer: it was not
    # shared before. For the record; whether a share ends is read from the timeline
    # (jobs.services._release_share, cases.assignment.case_share_reason).
    shared_by_suggestion = models.BooleanField(_("shared by the suggestion"), default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("suggestion to an employer")
        verbose_name_plural = _("suggestions to employers")
        constraints = [
            models.UniqueConstraint(
                fields=["need", "case", "person"],
                condition=models.Q(case__isnull=False),
                name="jobs_needsuggestion_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.need_id}: {self.case_id} ({self.person})"
