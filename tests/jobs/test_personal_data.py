from jobs import services
from jobs.figures import job_figures
from jobs.models import NeedSuggestion
from privacy.services import newcomer_erase, newcomer_export_data


def test_export_lists_the_suggestions_of_each_case(jobs):
    services.need_suggest(need=jobs.need, case=jobs.case, person="partner", actor=jobs.coordinator)
    data = newcomer_export_data(newcomer=jobs.nurse)
    case = next(c for c in data["cases"] if c["id"] == jobs.case.pk)
    [row] = case["suggested_to_employers"]
    assert row["employer"] == "Narvik Elektro" and row["person"] == "partner"
    assert row["occupation_code"] == "7411"


def test_erasure_cuts_the_link_and_keeps_the_counts(jobs):
    suggestion = services.need_suggest(
        need=jobs.need, case=jobs.case, person="partner", actor=jobs.coordinator
    )
    services.suggestion_outcome_record(suggestion=suggestion, outcome="placed", actor=jobs.boss)
    newcomer_erase(newcomer=jobs.nurse, actor=jobs.coordinator, reason="Asked")
    suggestion.refresh_from_db()
    assert suggestion.case is None and suggestion.outcome == "placed"
    figures = job_figures()
    assert (figures.total.matched, figures.total.placed, figures.partners_in_work) == (1, 1, 1)
    # Erased: no longer supply, nor a candidate.
    assert figures.total.supply == 0
    # Idempotent.
    newcomer_erase(newcomer=jobs.nurse, actor=jobs.coordinator, reason="Again")
    assert NeedSuggestion.objects.filter(case__isnull=False).count() == 0
