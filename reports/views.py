"""The dashboard, its CSV exports and the monthly PDF. Read-only: every view takes the
period and filters from the URL, so a view can be bookmarked and shared."""

import csv
from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.occupation_coding import occupation_text_code
from config.http import AuthenticatedHttpRequest
from contacts.selectors import StaffAccess, staff_access
from reports import exports, outcome_tables, pdf, selectors, unmapped
from reports.cache import dashboard_figures_cached
from reports.charts import dashboard_charts
from reports.formats import period_display
from reports.forms import DashboardFilters, DashboardForm, MonthForm, OccupationTextCodeForm
from reports.outcome_tables import share_display
from reports.periods import PeriodPair, month_pair
from reports.selectors import Dashboard

# Characters that make a spreadsheet read a cell as a formula. Occupations come from the
# public intake form, so a cell starting with one is prefixed with an apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _team_access(request: HttpRequest) -> StaffAccess:
    """Anyone with a membership sees the dashboard (members over their own slice)."""
    access = staff_access(request.user)
    if not access.is_staff_member:
        raise PermissionDenied
    return access


def _choices(request: HttpRequest) -> tuple[DashboardForm, PeriodPair, DashboardFilters, date]:
    """The period and filters from the URL; keys the form does not know (refresh) are
    ignored by it."""
    today = timezone.localdate()
    form = DashboardForm(request.GET or None)
    return form, form.periods(today=today), form.filters(), today


def _figures(request: HttpRequest) -> tuple[DashboardForm, Dashboard]:
    """Freshly computed figures, for the exports: they are rare and must be exact."""
    form, periods, filters, today = _choices(request)
    data = selectors.dashboard_figures(
        user=request.user, periods=periods, filters=filters, today=today
    )
    return form, data


def _links_query(request: HttpRequest) -> tuple[str, str]:
    """The URL's choices for the page's links, without refresh=1 (a CSV link must not
    carry it), and the same with it, for the "Refresh" link."""
    query = request.GET.copy()
    query.pop("refresh", None)
    refresh = query.copy()
    refresh["refresh"] = "1"
    return query.urlencode(), refresh.urlencode()


def _overdue_url(filters: DashboardFilters, flag: str = "overdue") -> str:
    """The case list with the same overdue cases (it has no target-group filter): overdue
    follow-ups, or with flag="steps_overdue" overdue plan steps."""
    query = {flag: "true"}
    if filters.municipality_id:
        query["municipality"] = str(filters.municipality_id)
    if filters.organisation_id:
        query["organisation"] = str(filters.organisation_id)
    return f"{reverse('cases:list')}?{urlencode(query)}"


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    access = _team_access(request)
    form, periods, filters, today = _choices(request)
    data, computed_at = dashboard_figures_cached(
        user=request.user,
        periods=periods,
        filters=filters,
        today=today,
        refresh=request.GET.get("refresh") == "1",
    )
    query, refresh_query = _links_query(request)
    this_month = today.replace(day=1)
    series = exports.table_build(name="enquiries", data=data)
    reached = {row.key: row.current for row in data.funnel}
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "data": data,
            "charts": dashboard_charts(data),
            "sees_all": access.sees_all,
            "query": query,
            "computed_at": computed_at,
            "refresh_query": refresh_query,
            "current_label": period_display(data.periods.current),
            "previous_label": period_display(data.periods.previous),
            "overdue_url": _overdue_url(data.filters),
            "steps_overdue_url": _overdue_url(data.filters, "steps_overdue"),
            "series_header": series.headers[0],
            "series_rows": series.rows,
            "funnel_rows": [(row, reached.get(row.key, row.current)) for row in data.lifecycle],
            "top": selectors.TOP_OCCUPATIONS,
            "this_month": this_month.strftime("%Y-%m"),
            "last_month": (this_month - date.resolution).strftime("%Y-%m"),
            **_outcomes_context(data),
        },
    )


def _outcomes_context(data: Dashboard) -> dict[str, object]:
    """The Outcomes section's tables as the page shows them (reports.outcome_tables)."""
    if data.outcomes is None:
        return {}
    retention = [
        (breakdown, group, [(m, share_display(s), s.shown_n) for m, s in row.shares.items()])
        for breakdown, group, row in outcome_tables.retention_rows(data.outcomes)
    ]
    tables = [
        (name, exports.table_build(name=name, data=data))
        for name in ("outcomes-responses", "outcomes-scores", "outcomes-work", "outcomes-needs")
    ]
    return {
        "outcome_months": data.outcomes.months,
        "retention_rows": retention,
        "outcome_tables": tables,
    }


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return number_format(value, 1)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@login_required
@require_GET
def export_csv(request: AuthenticatedHttpRequest, table: str) -> HttpResponse:
    """One table as CSV for Excel: UTF-8 with a byte-order mark, headers in the user's
    language, and, in bokmål, semicolons and decimal commas as Norwegian Excel expects."""
    _team_access(request)
    if table not in exports.TABLES:
        raise Http404
    _form, data = _figures(request)
    built = exports.table_build(name=table, data=data)
    period = data.periods.current
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="tilflytt-{table}-{period.first_day}-{period.last_day}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response, delimiter="," if (get_language() or "").startswith("en") else ";")
    writer.writerow(built.headers)
    writer.writerows([_csv_cell(cell) for cell in row] for row in built.rows)
    return response


@login_required
@require_GET
def report_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The monthly report for the whole region (?month=YYYY-MM, default last month):
    coordinators and administrators only."""
    if not staff_access(request.user).sees_all:
        raise PermissionDenied
    today = timezone.localdate()
    this_month = today.replace(day=1)
    month = (this_month - date.resolution).replace(day=1)
    if "month" in request.GET:
        form = MonthForm(request.GET)
        if not form.is_valid() or form.cleaned_data["month"] > this_month:
            return HttpResponseBadRequest(_("Give a month up to this one, as YYYY-MM."))
        month = form.cleaned_data["month"]
    data = selectors.dashboard_figures(
        user=request.user,
        periods=month_pair(month=month, today=today),
        filters=DashboardFilters(),
        today=today,
    )
    response = HttpResponse(pdf.render_monthly_report(data=data), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="tilflytt-report-{month.strftime("%Y-%m")}.pdf"'
    )
    return response


@login_required
@require_GET
def occupations_unmapped(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The free-text occupations no code could be given to, for staff to code."""
    access = _team_access(request)
    groups, total = unmapped.unmapped_occupations(user=request.user)
    context = {"groups": groups, "total": total, "shown": len(groups), "can_code": access.sees_all}
    return render(request, "reports/occupations_unmapped.html", context)


@login_required
@require_POST
def occupations_unmapped_code(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A coordinator codes one free text everywhere it is uncoded."""
    _team_access(request)
    form = OccupationTextCodeForm(request.POST)
    if not form.is_valid():
        errors = form.errors.get("occupation_code") or [_("Try again.")]
        messages.error(request, " ".join(str(error) for error in errors))
        return redirect("reports:occupations-unmapped")
    occupation = form.cleaned_data["occupation_code"]
    result = occupation_text_code(
        text=form.cleaned_data["text"], occupation=occupation, actor=request.user
    )
    messages.success(
        request,
        _("%(count)s people coded %(occupation)s.")
        % {"count": result.newcomers + result.household_members, "occupation": occupation},
    )
    return redirect("reports:occupations-unmapped")
