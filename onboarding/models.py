"""Onboarding plans built from templates, the region's local offers, and welcome packs."""

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from config.texts import text_for
from contacts.models import HouseholdMember, Locality, Municipality, Organisation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # the stubs' name for str or a lazy str

# Texts a newcomer reads are JSON fields, {language code: text}, read by config.texts.text_for
# (their language, then English, then bokmål). The older *_nb/*_en columns are kept, written
# alongside by the services, for the readers not moved yet (staff search, admin lists,
# benchmarks); nothing the newcomer sees reads them.
TEXTS_HELP = _('By language code, for example {"nb": "…", "en": "…", "pl": "…", "uk": "…"}.')


def texts_field(verbose_name: "StrOrPromise") -> models.JSONField:
    return models.JSONField(verbose_name, default=dict, blank=True, help_text=TEXTS_HELP)


class OnboardingTemplate(models.Model):
    name_nb = models.CharField(_("name (bokmål)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    names = texts_field(_("name in each language"))
    slug = models.SlugField(_("key"), unique=True)
    # Target groups this template is suggested for; empty means "anyone".
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("onboarding template")
        verbose_name_plural = _("onboarding templates")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return text_for(self.names)


class TemplateStep(models.Model):
    class Anchor(models.TextChoices):
        MOVE_DATE = "move_date", _("Move date + offset")
        FIXED_YEARLY = "fixed_yearly", _("A fixed date each year")
        CHILD_AGE = "child_age", _("When a child reaches an age (or move date + offset)")
        AFTER_STEP = "after_step", _("The step it waits for + offset")

    class Doer(models.TextChoices):
        NEWCOMER = "newcomer", _("The newcomer")
        TEAM = "team", _("The team")

    class PerMember(models.TextChoices):
        HOUSEHOLD = "household", _("Once for the household")
        ADULT = "adult", _("For each adult")
        CHILD = "child", _("For each child in the age range")
        PARTNER = "partner", _("For the partner (addressed to them)")

    class Requirement(models.TextChoices):
        ANY = "any", _("Always")
        YES = "yes", _("Only if yes")
        NO = "no", _("Only if no")

    template = models.ForeignKey(OnboardingTemplate, on_delete=models.CASCADE, related_name="steps")
    key = models.SlugField(_("key"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title_nb = models.CharField(_("title (bokmål)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    guidance_nb = models.TextField(_("guidance (bokmål)"), blank=True)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)
    titles = texts_field(_("title in each language"))
    guidances = texts_field(_("guidance in each language"))
    doer = models.CharField(_("who does it"), max_length=20, choices=Doer.choices)
    responsible_kind = models.CharField(
        _("responsible kind of organisation"),
        max_length=20,
        choices=Organisation.Kind.choices,
        blank=True,
    )
    anchor = models.CharField(_("due date from"), max_length=20, choices=Anchor.choices)
    offset_days = models.IntegerField(_("offset in days"), default=0)
    fixed_month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    fixed_day = models.PositiveSmallIntegerField(_("day"), null=True, blank=True)
    child_age = models.PositiveSmallIntegerField(_("child's age"), null=True, blank=True)
    per_member = models.CharField(
        _("applies"), max_length=20, choices=PerMember.choices, default=PerMember.HOUSEHOLD
    )
    child_age_min = models.PositiveSmallIntegerField(_("children from age"), null=True, blank=True)
    child_age_max = models.PositiveSmallIntegerField(_("children up to age"), null=True, blank=True)
    target_groups = models.JSONField(_("only for target groups"), default=list, blank=True)
    requires_from_abroad = models.CharField(
        _("moving from abroad"), max_length=3, choices=Requirement.choices, default=Requirement.ANY
    )
    requires_eu_eea = models.CharField(
        _("EU/EEA citizen"), max_length=3, choices=Requirement.choices, default=Requirement.ANY
    )
    # Nordic citizens are EU/EEA citizens here too, but skip what only the others do (the
    # police registration): "Only if no" on a step leaves it out for them.
    requires_nordic = models.CharField(
        _("Nordic citizen"), max_length=3, choices=Requirement.choices, default=Requirement.ANY
    )
    requires_long_stay = models.CharField(
        _("staying 6 months or more"),
        max_length=3,
        choices=Requirement.choices,
        default=Requirement.ANY,
    )
    requires_partner_job_seeking = models.BooleanField(
        _("only if a partner seeks work"), default=False
    )
    requires_car_import = models.BooleanField(_("only if importing a car"), default=False)
    depends_on = models.ForeignKey(
        "self",
        verbose_name=_("waits for"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source_url = models.URLField(_("official source"), blank=True)
    # The same source's page in other languages, where the agency has one ({"nb": url}),
    # chosen for the reader by the one rule for texts (config.texts.text_for).
    source_urls = models.JSONField(
        _("official source in each language"),
        default=dict,
        blank=True,
        help_text=_('By language code, for example {"nb": "https://…", "en": "https://…"}.'),
    )
    checked_on = models.DateField(_("facts last checked"), null=True, blank=True)

    class Meta:
        ordering = ["template", "position", "pk"]
        verbose_name = _("template step")
        verbose_name_plural = _("template steps")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "key"], name="onboarding_templatestep_unique_key"
            ),
            models.CheckConstraint(
                condition=~models.Q(anchor="fixed_yearly")
                | models.Q(fixed_month__isnull=False, fixed_day__isnull=False),
                name="onboarding_templatestep_fixed_needs_date",
            ),
        ]

    def __str__(self) -> str:
        return text_for(self.titles, "en")

    @property
    def title(self) -> str:
        return text_for(self.titles)

    @property
    def guidance(self) -> str:
        return text_for(self.guidances)


class OnboardingPlan(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="plan")
    template = models.ForeignKey(
        OnboardingTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    move_date = models.DateField(_("move date"))
    from_abroad = models.BooleanField(_("moving from abroad"), default=True)
    eu_eea = models.BooleanField(_("EU/EEA or Nordic citizen"), default=False)
    nordic = models.BooleanField(_("Nordic citizen"), default=False)
    long_stay = models.BooleanField(_("staying 6 months or more"), default=True)
    importing_car = models.BooleanField(_("importing a car"), default=False)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("onboarding plan")
        verbose_name_plural = _("onboarding plans")

    def __str__(self) -> str:
        return f"{self.case}"


class PlanStep(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("To do")
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Skipped")

    plan = models.ForeignKey(OnboardingPlan, on_delete=models.CASCADE, related_name="steps")
    template_step = models.ForeignKey(
        TemplateStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    member = models.ForeignKey(
        HouseholdMember,
        verbose_name=_("household member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(default=0)
    title_nb = models.CharField(_("title (bokmål)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    guidance_nb = models.TextField(blank=True)
    guidance_en = models.TextField(blank=True)
    # Copied from the template step when the plan starts (with the member's suffix).
    titles = texts_field(_("title in each language"))
    guidances = texts_field(_("guidance in each language"))
    source_url = models.URLField(blank=True)
    doer = models.CharField(_("who does it"), max_length=20, choices=TemplateStep.Doer.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_steps",
    )
    # How the due date was derived, so a move-date change can move open steps.
    anchor = models.CharField(max_length=20, choices=TemplateStep.Anchor.choices)
    offset_days = models.IntegerField(default=0)
    due_date = models.DateField(_("due"))
    depends_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="dependants"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    skip_reason = models.CharField(_("reason"), max_length=300, blank=True)

    # Whether the case is closed, so the step rests (cases.selectors.case_work_rests), kept
    # equal to it by onboarding.services and cases' case_rest_hooks: the open steps' indexes
    # leave resting work out without reading the plans and cases (docs/benchmarks.md).
    rests = models.BooleanField(_("resting"), default=False, db_default=False, editable=False)

    class Meta:
        ordering = ["due_date", "position", "pk"]
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")
        indexes = [
            # My work and the coming reminders look up open steps by assignee and date.
            models.Index(
                fields=["assignee", "due_date"],
                condition=models.Q(status="open", rests=False),
                name="onboarding_step_open_due",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="skipped") | models.Q(skip_reason=""),
                name="onboarding_planstep_reason_only_when_skipped",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open", done_at__isnull=True)
                | (~models.Q(status="open") & models.Q(done_at__isnull=False)),
                name="onboarding_planstep_done_at_iff_closed",
            ),
        ]

    def __str__(self) -> str:
        return text_for(self.titles, "en")

    @property
    def title(self) -> str:
        return text_for(self.titles)

    @property
    def guidance(self) -> str:
        return text_for(self.guidances)

    # The source and its check date come from the template step (the selectors join it), so
    # a link corrected or a fact re-checked in admin shows on every plan at once.
    @property
    def source_link(self) -> str:
        template = self.template_step
        return (text_for(template.source_urls) if template else "") or self.source_url

    @property
    def checked_on(self) -> date | None:
        return self.template_step.checked_on if self.template_step else None

    @property
    def who(self) -> str:
        """Who does the step, as the newcomer reads it (their page, the welcome pack and its
        PDF): the organisation or the team; a partner's own step is the partner's; else "You".
        Needs `organisation` and `member` joined."""
        if self.doer != TemplateStep.Doer.NEWCOMER:
            return self.organisation.name if self.organisation else str(_("The team"))
        if self.member and self.member.relation == HouseholdMember.Relation.PARTNER:
            return self.member.name or str(_("Your partner"))
        return str(_("You"))

    def is_overdue(self, today: date) -> bool:
        """Open, past its date, and not resting on a closed case."""
        return self.status == self.Status.OPEN and not self.rests and self.due_date < today


class LocalOffer(models.Model):
    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        KINDERGARTEN = "kindergarten", _("Kindergarten")
        SCHOOL = "school", _("School")
        LEISURE = "leisure", _("Leisure")
        HOUSING = "housing", _("Housing")
        EMPLOYER = "employer", _("Employer")
        EVENT = "event", _("Event")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description_nb = models.TextField(_("description (bokmål)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    descriptions = texts_field(_("description in each language"))
    url = models.URLField(_("web address"), blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    # An event's dates; an offer that runs all year has none. Ended events are not offered.
    # The days it meets within them are OfferDate rows.
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    locality = models.ForeignKey(
        Locality, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    age_min = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True)
    # Interest words, comma-separated; an offer with none suits everyone.
    interests = models.CharField(_("interests"), max_length=300, blank=True)
    partner_job_seekers = models.BooleanField(_("for partners seeking work"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("local offer")
        verbose_name_plural = _("local offers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="onboarding_localoffer_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def description(self) -> str:
        return text_for(self.descriptions)

    @property
    def interest_words(self) -> list[str]:
        return [w.strip().lower() for w in self.interests.split(",") if w.strip()]


class OfferDate(models.Model):
    """A date an offer happens (an open day, a fair, a season's start): the welcome pack and
    the newcomer's page show the next ones."""

    offer = models.ForeignKey(LocalOffer, on_delete=models.CASCADE, related_name="dates")
    date = models.DateField(_("date"))
    time = models.TimeField(_("time"), null=True, blank=True)

    class Meta:
        ordering = ["date", "time", "pk"]
        verbose_name = _("date")
        verbose_name_plural = _("dates")
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "date", "time"], name="onboarding_offerdate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.offer} {self.date}"


class WelcomePack(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        QUEUED = "queued", _("Sent to the outbox")
        SKIPPED = "skipped", _("Not sent")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="welcome_packs")
    language = models.CharField(_("language"), max_length=10)
    recipient = models.EmailField(_("recipient"))
    file = models.FileField(_("file"), upload_to="welcome-packs/", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # When a task to build the pack was last published: welcome_pack_sweep publishes again
    # for a pack still pending long after this (its message was lost).
    enqueued_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # welcome_pack_sweep: pending packs whose task may have been lost.
            models.Index(
                fields=["enqueued_at"],
                condition=models.Q(status="pending"),
                name="onboarding_pack_pending_idx",
            ),
        ]
        verbose_name = _("welcome pack")
        verbose_name_plural = _("welcome packs")

    def __str__(self) -> str:
        return f"{self.case} ({self.language})"
