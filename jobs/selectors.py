"""Who may see and record which recruitment needs, written once.

- Coordinators and administrators see and record every employer's needs.
- Members of an employer organisation see and record their own organisation's needs.
- Everyone else sees none: another organisation's need answers 404, as cases do.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from cases.models import Case
from cases.selectors import case_can_manage, case_list_visible
from contacts.models import Organisation
from contacts.selectors import staff_access
from jobs.models import NeedSuggestion, RecruitmentNeed


def employers_for_user(*, user: User | AnonymousUser) -> QuerySet[Organisation]:
    """The employers the user may record needs for."""
    access = staff_access(user)
    employers = Organisation.objects.filter(kind=Organisation.Kind.EMPLOYER, is_active=True)
    if access.sees_all:
        return employers
    return employers.filter(pk__in=access.organisation_ids)


def need_can_record(*, user: User | AnonymousUser) -> bool:
    """Coordinators, and members of an employer (no query: staff_access has read both)."""
    access = staff_access(user)
    return access.sees_all or bool(access.employer_ids)


def need_can_suggest(*, user: User | AnonymousUser, need: RecruitmentNeed, case: Case) -> bool:
    """Who may suggest a case to a need's employer (share the case with it): coordinators,
    who see every need, on a case they may manage, while the need is open. The one rule
    for the service, the pages and their buttons."""
    return (
        staff_access(user).sees_all
        and need.state == RecruitmentNeed.State.OPEN
        and isinstance(user, User)
        and case_can_manage(user=user, case=case)
    )


def need_list_visible(*, user: User | AnonymousUser) -> QuerySet[RecruitmentNeed]:
    needs = RecruitmentNeed.objects.select_related(
        "employer", "occupation", "municipality", "locality"
    )
    access = staff_access(user)
    if access.sees_all:
        return needs
    return needs.filter(
        employer__kind=Organisation.Kind.EMPLOYER, employer_id__in=access.organisation_ids
    )


def get_need_for_user(*, user: User | AnonymousUser, pk: int) -> RecruitmentNeed:
    """The need if the user may see it, else 404. Whoever sees a need may also edit and
    close it: a member of the employer or a coordinator."""
    try:
        return need_list_visible(user=user).get(pk=pk)
    except (RecruitmentNeed.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def suggestions_for_need(
    *, need: RecruitmentNeed, user: User | AnonymousUser
) -> QuerySet[NeedSuggestion]:
    """With `reader_sees`: whether the reader may see the case (cases.selectors), in the
    same query, so a case unshared after a consent withdrawal shows no reference."""
    return (
        NeedSuggestion.objects.filter(need=need)
        .select_related("case", "suggested_by")
        .annotate(reader_sees=Exists(case_list_visible(user=user).filter(pk=OuterRef("case_id"))))
    )
