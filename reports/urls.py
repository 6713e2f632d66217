from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<slug:table>.csv", views.export_csv, name="export"),
    path("report.pdf", views.report_pdf, name="report-pdf"),
    path("occupations/unmapped/", views.occupations_unmapped, name="occupations-unmapped"),
    path(
        "occupations/unmapped/code/",
        views.occupations_unmapped_code,
        name="occupations-unmapped-code",
    ),
]
