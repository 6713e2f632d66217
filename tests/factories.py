"""Plain builders for test data. Each returns a saved object and takes only what varies."""

from datetime import date
from itertools import count

from django.contrib.auth import get_user_model
from django.utils import timezone

from cases import services as case_services
from cases.followup_due import followup_due_keep
from cases.models import Case, FollowUp
from contacts.models import Consent, Membership, Newcomer, Organisation
from contacts.phones import phone_search_key
from contacts.services import consent_record

_seq = count(1)
PASSWORD = "correct-horse-battery-staple"


def make_organisation(
    *, name: str | None = None, kind: str = Organisation.Kind.MUNICIPALITY
) -> Organisation:
    return Organisation.objects.create(name=name or f"Organisation {next(_seq)}", kind=kind)


def make_user(
    *,
    username: str | None = None,
    organisation: Organisation | None = None,
    role: str = Membership.Role.MEMBER,
    **extra: object,
):
    user = get_user_model().objects.create_user(
        username=username or f"user{next(_seq)}", password=PASSWORD, **extra
    )
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def make_newcomer(
    *,
    email: str | None = None,
    scopes: tuple[str, ...] = (Consent.Scope.MUNICIPALITY,),
    **fields: object,
) -> Newcomer:
    n = next(_seq)
    if "phone" in fields:
        fields["phone_normalised"] = phone_search_key(str(fields["phone"]))
    newcomer = Newcomer.objects.create(
        name=fields.pop("name", f"Newcomer {n}"),
        email=email if email is not None else f"newcomer{n}@example.org",
        **fields,
    )
    consent_record(newcomer=newcomer, scopes=scopes)
    return newcomer


def make_case(
    *,
    newcomer: Newcomer | None = None,
    organisation: Organisation | None = None,
    owner=None,
    shared_with: tuple[Organisation, ...] = (),
    channel: str = Case.Channel.FORM,
    message: str = "I would like to know about jobs.",
) -> Case:
    case = case_services.case_open(
        newcomer=newcomer or make_newcomer(), channel=channel, message=message
    )
    if organisation is not None:
        Case.objects.filter(pk=case.pk).update(responsible_organisation=organisation)
    if owner is not None:
        Case.objects.filter(pk=case.pk).update(owner=owner)
    for org in shared_with:
        case.shared_with.add(org)
    case.refresh_from_db()
    return case


def make_followup(*, case: Case, assignee, due_date: date, title: str = "Call back") -> FollowUp:
    followup = FollowUp.objects.create(
        case=case,
        title=title,
        assignee=assignee,
        due_date=due_date,
        created_by=assignee,
        rests=case.status == Case.Status.CLOSED,  # as cases.services.followup_add
    )
    followup_due_keep(Case.objects.filter(pk=case.pk))  # as followup_add, too
    return followup


def mark_done(followup: FollowUp, *, at=None, by=None) -> None:
    """The follow-up done at `at` (now by default), as followup_complete leaves it, without
    its event on the timeline."""
    FollowUp.objects.filter(pk=followup.pk).update(done_at=at or timezone.now(), done_by=by)
    followup_due_keep(Case.objects.filter(pk=followup.case_id))


def make_plan(*, case: Case, actor, move_date: date = date(2027, 4, 1)):
    """The region's general onboarding plan for a newcomer from the EU/EEA, staying long."""
    from onboarding.models import OnboardingTemplate
    from onboarding.services import plan_start

    return plan_start(
        case=case,
        template=OnboardingTemplate.objects.get(slug="moving-to-the-region"),
        move_date=move_date,
        from_abroad=True,
        eu_eea=True,
        long_stay=True,
        importing_car=False,
        actor=actor,
    )


def newcomer_form_body(newcomer: Newcomer, **overrides: object) -> dict[str, object]:
    """What the newcomer edit form posts when only `overrides` change."""
    data: dict[str, object] = {
        "name": newcomer.name,
        "email": newcomer.email,
        "phone": newcomer.phone,
        "preferred_language": newcomer.preferred_language,
        "lifecycle": newcomer.lifecycle,
        "target_group": newcomer.target_group,
    }
    data.update(overrides)
    return data
