"""People and organisations: the team's agencies, their staff, and the newcomers.

Personal data lives in this app only (see contacts.services for erasure and consent).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower, Trim
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.texts import text_for
from occupations.models import Occupation


class Organisation(models.Model):
    # A description beside the contact details in the welcome pack: a few sentences.
    DESCRIPTION_MAX_LENGTH = 600

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        SCHOOL = "school", _("School or kindergarten")
        NAV = "nav", _("NAV")
        EMPLOYER = "employer", _("Employer")
        ASSOCIATION = "association", _("Association")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # Printed in the welcome pack's letterhead and shown on the newcomer's page.
    address = models.TextField(_("address"), max_length=300, blank=True)
    # Texts a newcomer reads, by language ({"nb": "…", "en": "…"}), read through
    # config.texts.text_for like every other text from data.
    opening_hours_texts = models.JSONField(
        _("opening hours in each language"),
        default=dict,
        blank=True,
        help_text=_("As the newcomer should read it, e.g. “Monday to Friday, 08:00-15:30”."),
    )
    descriptions = models.JSONField(
        _("description in each language"),
        default=dict,
        blank=True,
        help_text=_("What the organisation does for newcomers, in a sentence or two."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Off: its members sign in only through their organisation's own account (OpenID
    # Connect), never with a Tilflytt password (accounts.forms.PasswordSignInForm).
    password_sign_in = models.BooleanField(
        _("sign-in with a Tilflytt password allowed"),
        default=True,
        help_text=_("Turn off when everyone signs in with the organisation's own account."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def opening_hours(self) -> str:
        return text_for(self.opening_hours_texts)

    @property
    def description(self) -> str:
        return text_for(self.descriptions)


class Membership(models.Model):
    """A staff user's place in an organisation. The role decides what they may see."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        COORDINATOR = "coordinator", _("Coordinator")
        ADMIN = "admin", _("Administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="contacts_membership_unique_user_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    number = models.CharField(_("municipality number"), max_length=4, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class Locality(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="localities"
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["municipality__name", "name"]
        verbose_name = _("locality")
        verbose_name_plural = _("localities")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="contacts_locality_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality.name})"


# A free text still without a code, as reports.unmapped lists them (an erased newcomer's
# text is gone, a child has none); the partial indexes below hold exactly these rows.
UNCODED_OCCUPATION = models.Q(occupation_code=None) & ~models.Q(occupation="")


def occupation_code_field() -> "models.ForeignKey[Occupation | None, Occupation | None]":
    """An occupation coded with ISCO-08/STYRK-08 beside the free text it codes (the
    newcomer's, each adult household member's). The classification is never deleted; if a
    group were, the code would go and the text stay."""
    return models.ForeignKey(
        Occupation,
        verbose_name=_("occupation code"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class Newcomer(models.Model):
    """The household's contact person."""

    class Lifecycle(models.TextChoices):
        CONSIDERING = "considering", _("Considering")
        PLANNING = "planning", _("Planning")
        ARRIVED = "arrived", _("Arrived")
        SETTLED = "settled", _("Settled")
        LEFT = "left", _("Left")

    class TargetGroup(models.TextChoices):
        RETURNING = "returning", _("Returning local")
        FAMILY = "family", _("Family with children")
        EU_WORKER = "eu_worker", _("Labour migrant from the EU/EEA")
        NON_EU_WORKER = "non_eu_worker", _("Labour migrant from outside the EU/EEA")
        STUDENT = "student", _("Student or young adult")
        PARTNER = "partner", _("Accompanying partner")
        REFUGEE = "refugee", _("Refugee settled by the municipality")
        OTHER = "other", _("Other")

    class Citizenship(models.TextChoices):
        # What decides the first steps in Norway (police registration, ID check, language
        # training); asked at intake, optional, and erased with the record.
        NORDIC = "nordic", _("A Nordic country")
        EU_EEA = "eu_eea", _("Another EU/EEA country")
        OTHER = "other", _("A country outside the EU/EEA")

    class HeardVia(models.TextChoices):
        PORTAL = "portal", _("The region's portal")
        SOCIAL = "social", _("Social media")
        EMPLOYER = "employer", _("Employer")
        FRIENDS = "friends", _("Friends and family")
        EVENT = "event", _("Job fair or event")
        NAV = "nav", _("NAV")
        SCHOOL = "school", _("School or university")
        NEWS = "news", _("News media")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # `phone` in one form (contacts.phones.phone_search_key), kept by the services that
    # write `phone`: the case search finds a number typed any way through this index.
    phone_normalised = models.CharField(max_length=40, blank=True, editable=False, db_index=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="nb"
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="newcomers",
    )
    locality = models.ForeignKey(
        Locality,
        verbose_name=_("locality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="newcomers",
    )
    planned_move_date = models.DateField(_("planned move date"), null=True, blank=True)
    moved_at = models.DateField(_("actual move date"), null=True, blank=True)
    lifecycle = models.CharField(
        _("status"), max_length=20, choices=Lifecycle.choices, default=Lifecycle.CONSIDERING
    )
    target_group = models.CharField(
        _("target group"), max_length=20, choices=TargetGroup.choices, default=TargetGroup.OTHER
    )
    occupation = models.CharField(_("occupation or competence"), max_length=200, blank=True)
    # The free text above coded by staff (or by contacts.occupation_mapping where it matches
    # one occupation only); the text stays beside it, as the newcomer wrote it.
    occupation_code = occupation_code_field()
    citizenship = models.CharField(
        _("citizenship"), max_length=10, choices=Citizenship.choices, blank=True
    )
    partner_needs_work = models.BooleanField(_("partner needs work"), default=False)
    partner_occupation = models.CharField(
        _("partner's occupation or competence"), max_length=200, blank=True
    )
    interests = models.CharField(_("interests"), max_length=500, blank=True)
    heard_via = models.CharField(
        _("heard of the team through"), max_length=20, choices=HeardVia.choices, blank=True
    )
    consent_given_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_text_version = models.CharField(_("consent text version"), max_length=20, blank=True)
    # When the newcomer asked for e-mail reminders before their own deadlines (intake form);
    # null: none are sent. Not a sharing consent (Consent), so it decides no visibility.
    reminders_consent_at = models.DateTimeField(_("reminders wanted since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    # Set when privacy.services masked the record (on request or by retention); the row
    # stays so that cases and the dashboard keep their figures.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)
    # Made from an e-mail from an address nobody knew (conversations): the name is whatever
    # the mail said. Staff confirm who it is on the case, which clears the flag.
    is_unverified = models.BooleanField(_("not yet verified"), default=False)
    # When an e-mail to `email` first bounced (conversations marks it from a delivery
    # report); null: none has. Cleared when the address changes or a mail from it arrives.
    email_failing_since = models.DateTimeField(
        _("e-mails to this address bounced since"), null=True, blank=True
    )
    # Set when the newcomer came from a spreadsheet import (imports): the old sheet's consent
    # is "imported, to be confirmed". Until staff confirm it (or the newcomer gives consent on
    # the intake form), contacts.services.consent_require refuses all sharing.
    consent_to_confirm_since = models.DateTimeField(
        _("imported consent to be confirmed since"), null=True, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("newcomer")
        verbose_name_plural = _("newcomers")
        indexes = [
            # The "Occupations without a code" page (reports.unmapped) counts the uncoded
            # texts of newcomers with a visible case: their ids in order, with the text
            # beside them (INCLUDE), merge with the cases' newcomer index without reading
            # the table or sorting (a backlog of 875,290 at a million cases).
            models.Index(
                fields=["id"],
                include=["occupation"],
                condition=UNCODED_OCCUPATION & models.Q(erased_at=None),
                name="contacts_newcomer_uncoded",
            ),
            # The same page finds the cases of its rarer or older texts by spelling.
            models.Index(
                Lower(Trim("occupation")),
                condition=UNCODED_OCCUPATION & models.Q(erased_at=None),
                name="contacts_newcomer_uncoded_text",
            ),
        ]
        constraints = [
            # One newcomer per e-mail address, whatever its case; phone-only records may
            # have none.
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="contacts_newcomer_unique_email",
            )
        ]

    def __str__(self) -> str:
        return self.name


class HouseholdMember(models.Model):
    class Relation(models.TextChoices):
        PARTNER = "partner", _("Partner")
        CHILD = "child", _("Child")
        OTHER = "other", _("Other")

    newcomer = models.ForeignKey(Newcomer, on_delete=models.CASCADE, related_name="household")
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    # Each adult's occupation: free text as told, and its code set by staff (as on Newcomer).
    occupation = models.CharField(_("occupation or competence"), max_length=200, blank=True)
    occupation_code = occupation_code_field()

    class Meta:
        ordering = ["relation", "birth_year", "pk"]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        indexes = [
            # The "Occupations without a code" page (reports.unmapped): adults' uncoded
            # texts, by newcomer, without reading the children (most members).
            models.Index(
                fields=["newcomer"],
                include=["occupation"],
                condition=UNCODED_OCCUPATION & ~models.Q(relation="child"),
                name="contacts_member_uncoded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_relation_display()} {self.birth_year or ''}".strip()


class OccupationTally(models.Model):
    """How many people have each uncoded occupation text, for whoever sees every case
    ("Occupations without a code", reports.unmapped): the same count as reading the
    uncoded newcomers and adult household members, but as large as the number of distinct
    texts rather than of people. Written by database triggers on contacts_newcomer and
    contacts_householdmember, never by the models (contacts.occupation_tally): each
    change adds a row of +1 or -1 (`compacted` false), which no other writer waits on, and
    `occupation_tally_compact` folds them into one row per text."""

    # Never shown: no translated labels.
    class Kind(models.TextChoices):
        NEWCOMER = "newcomer"
        MEMBER = "member"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    occupation = models.CharField(max_length=200)
    people = models.IntegerField()
    compacted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "occupation"],
                condition=models.Q(compacted=True),
                name="contacts_occupationtally_text",
            )
        ]
        indexes = [
            # The changes not folded yet, which compaction deletes.
            models.Index(
                fields=["id"], condition=models.Q(compacted=False), name="contacts_tally_changes"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.occupation!r} {self.people:+d}"


class Consent(models.Model):
    """A newcomer's consent to share their enquiry with one kind of organisation.

    One row per grant; withdrawing sets withdrawn_at and keeps the row as evidence.
    """

    class Scope(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipal services")
        SCHOOL = "school", _("Schools and kindergartens")
        NAV = "nav", _("NAV")
        EMPLOYER = "employer", _("Employers")

    newcomer = models.ForeignKey(Newcomer, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(_("shared with"), max_length=20, choices=Scope.choices)
    text_version = models.CharField(_("consent text version"), max_length=20)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["newcomer", "scope"],
                condition=models.Q(withdrawn_at=None),
                name="contacts_consent_one_active_per_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} ({self.text_version})"


# The organisation kinds a consent scope covers. Associations and "other" organisations
# are never covered: sharing with them is always refused.
CONSENT_SCOPE_FOR_KIND: dict[str, str] = {
    Organisation.Kind.MUNICIPALITY: Consent.Scope.MUNICIPALITY,
    Organisation.Kind.SCHOOL: Consent.Scope.SCHOOL,
    Organisation.Kind.NAV: Consent.Scope.NAV,
    Organisation.Kind.EMPLOYER: Consent.Scope.EMPLOYER,
}


class ApiToken(models.Model):
    """A staff member's key for the REST API.

    Only the SHA-256 hash of the secret is stored; the secret is shown once, when the token
    is made (contacts.services.api_token_create). `prefix` is its first characters, so the
    owner can tell tokens apart on their profile page.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("starts with"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            # Authentication looks a token up by this hash (the unique index serves it).
            models.UniqueConstraint(fields=["key_hash"], name="contacts_apitoken_unique_hash"),
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=models.Q(revoked_at=None),
                name="contacts_apitoken_unique_active_name",
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at=None)
                | models.Q(revoked_at__gte=models.F("created_at")),
                name="contacts_apitoken_revoked_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class NewcomerLink(models.Model):
    """The newcomer's personal link to their own page (portal), without a login.

    Only the SHA-256 hash of the secret is stored; the secret is in the URL sent to the
    newcomer (contacts.services.newcomer_link_issue). A link stops working when revoked, when
    a newer one is issued, or after settings.NEWCOMER_LINK_IDLE_DAYS without use.

    A link the newcomer asks for at /my/ is *pending*: anyone may type a newcomer's address
    there, so it must not lock the newcomer out. It works alongside the active link, and
    only its first use retires every other link of the newcomer (newcomer_link_resolve).
    """

    newcomer = models.ForeignKey(Newcomer, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    pending = models.BooleanField(
        _("waiting for its first use"),
        default=False,
        help_text=_("Asked for at /my/: the older link keeps working until this one is used."),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("personal link")
        verbose_name_plural = _("personal links")
        constraints = [
            # The page looks a link up by this hash (the unique index serves it).
            models.UniqueConstraint(
                fields=["token_hash"], name="contacts_newcomerlink_unique_hash"
            ),
            models.UniqueConstraint(
                fields=["newcomer"],
                condition=models.Q(revoked_at=None, pending=False),
                name="contacts_newcomerlink_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.newcomer_id} ({self.created_at:%Y-%m-%d})"

    def is_expired(self, now: datetime, idle_days: int) -> bool:
        return (self.last_used_at or self.created_at) + timedelta(days=idle_days) < now
