"""The Outcomes section: the check-ins the dashboard's reader may count, under its filters.

Coordinators (who see every case) count every check-in, those of erased newcomers too,
which keep their municipality and target group but no case (outcomes.personal_data).
Members count the check-ins of the cases they may see. The municipality and target-group
filters read the check-in's own copy (the values at planning), so erased rows stay in.
"""

from datetime import date

from django.db.models import QuerySet

from outcomes.figures import OutcomeFigures, outcome_figures
from outcomes.models import CheckIn
from outcomes.schedule import default_months
from reports.forms import DashboardFilters
from reports.selectors.scope import dashboard_cases, of_cases
from reports.selectors.types import User


def outcome_checkins(*, user: User, filters: DashboardFilters) -> QuerySet[CheckIn]:
    checkins = CheckIn.objects.order_by()
    if filters.municipality_id:
        checkins = checkins.filter(municipality_id=filters.municipality_id)
    if filters.target_group:
        checkins = checkins.filter(target_group=filters.target_group)
    # Visibility and the organisation filter: through the cases (skipped when they narrow
    # nothing, as of_cases says).
    scope = dashboard_cases(
        user=user, filters=DashboardFilters(organisation_id=filters.organisation_id)
    )
    return of_cases(checkins, "case_id", scope)


def outcomes_section(*, user: User, filters: DashboardFilters, today: date) -> OutcomeFigures:
    return outcome_figures(
        checkins=outcome_checkins(user=user, filters=filters), months=default_months(), today=today
    )
