"""A scanner for personal data where it must never go: URLs, log records, Celery task
payloads and e-mail subjects. One distinctive newcomer goes through the intake, triage,
notes, follow-ups, a plan, the welcome pack (previewed and sent) and an export; every
generated URL, log record, task argument and subject is then searched for them."""

import re

import pytest
from celery.app.task import Task
from django.core import mail
from django.urls import reverse

from cases.models import Case
from contacts.models import Municipality, Newcomer
from onboarding.models import OnboardingTemplate
from outbox.models import OutboundEmail

NAME = "Zbygniewa Qwertyńska"
EMAIL = "zq-scanner-7431@example.org"
PHONE = "+47 912 34 567"
NEEDLES = [NAME.lower(), "zbygniewa", "qwerty", EMAIL, "zq-scanner", "91234567", "912 34 567"]


def _leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [
        needle for needle in NEEDLES if needle in lowered or needle in lowered.replace("%40", "@")
    ]


@pytest.fixture
def tasks(monkeypatch):
    """Records every task payload, then runs the task as before (eager)."""
    payloads: list[str] = []
    original_apply_async, original_delay = Task.apply_async, Task.delay

    def apply_async(self, args=None, kwargs=None, *rest, **options):
        payloads.append(f"{self.name} {args!r} {kwargs!r}")
        return original_apply_async(self, args, kwargs, *rest, **options)

    def delay(self, *args, **kwargs):
        payloads.append(f"{self.name} {args!r} {kwargs!r}")
        return original_delay(self, *args, **kwargs)

    monkeypatch.setattr(Task, "apply_async", apply_async)
    monkeypatch.setattr(Task, "delay", delay)
    return payloads


URL_ATTRS = re.compile(r'(?:href|action|src)="([^"]*)"')


@pytest.mark.django_db
def test_no_personal_data_in_urls_logs_task_payloads_or_subjects(
    world, client, tasks, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level("DEBUG")
    urls: list[str] = []
    raw_get, raw_post = client.get, client.post

    def visit(response):
        if response.get("Location"):
            urls.append(response["Location"])
        if response.get("Content-Type", "").startswith("text/html"):
            urls.extend(URL_ATTRS.findall(response.content.decode()))
        return response

    def run(method, *args, **kwargs):
        """A request whose after-commit work (tasks, e-mails) runs as in production."""
        with django_capture_on_commit_callbacks(execute=True):
            return visit(method(*args, **kwargs))

    client.get = lambda *a, **k: run(raw_get, *a, **k)
    client.post = lambda *a, **k: run(raw_post, *a, **k)
    narvik = Municipality.objects.get(name="Narvik")
    client.get(reverse("intake:form"))
    response = client.post(
        reverse("intake:form"),
        {
            "name": NAME,
            "email": EMAIL,
            "phone": PHONE,
            "preferred_language": "pl",
            "municipality": narvik.pk,
            "target_group": "eu_worker",
            "occupation": "Qwerty engineer",
            "interests": "Qwerty football",
            "message": f"Hello, I am {NAME}",
            "consent": "on",
            "share_scopes": ["municipality", "school"],
        },
    )
    assert response.status_code == 302
    client.get(response["Location"])
    newcomer = Newcomer.objects.get(email=EMAIL)
    case = Case.objects.get(newcomer=newcomer)
    urls.append(reverse("privacy:newcomer", args=[newcomer.pk]))

    client.force_login(world.coordinator)
    detail = reverse("cases:detail", args=[case.pk])
    steps = [
        ("cases:assign", {"owner": world.owner.pk}),
        ("cases:set-organisation", {"organisation": world.kommune.pk}),
        ("cases:status", {"status": "open"}),
        ("cases:note-add", {"body": f"Called {NAME}", "visibility": "team"}),
        (
            "cases:followup-add",
            {"title": f"Call {NAME}", "assignee": world.owner.pk, "due_date": "2030-01-01"},
        ),
        (
            "onboarding:plan-start",
            {
                "template": OnboardingTemplate.objects.get(slug="moving-to-the-region").pk,
                "move_date": "2030-05-01",
                "from_abroad": "on",
                "eu_eea": "on",
                "long_stay": "on",
            },
        ),
        ("onboarding:welcome-pack-send", {}),
    ]
    for name, body in steps:
        response = client.post(reverse(name, args=[case.pk]), body)
        assert response.status_code == 302, (name, response.status_code)
        client.get(detail)
    client.get(reverse("onboarding:welcome-pack-preview", args=[case.pk]))
    client.get(reverse("cases:list"))
    client.get(reverse("cases:mine"))
    client.get(reverse("cases:newcomer-edit", args=[case.pk]))
    client.get(reverse("privacy:newcomer", args=[newcomer.pk]))
    client.get(reverse("privacy:export-json", args=[newcomer.pk]))
    client.get(reverse("privacy:access-log"), {"case": case.pk})

    # The flow really carried the newcomer's data through e-mails and tasks.
    emails = list(OutboundEmail.objects.filter(case_id=case.pk))
    assert {e.kind for e in emails} == {"cases.intake_receipt", "onboarding.welcome_pack"}
    assert all(_leaks(e.body_text) for e in emails)  # the scanner does see them
    assert len(mail.outbox) == 2 and tasks

    found = {
        # mailto: links on staff pages are addresses to write to, not routes.
        "urls": [u for u in urls if _leaks(u) and not u.startswith("mailto:")],
        "logs": [r.getMessage() for r in caplog.records if _leaks(r.getMessage())],
        "tasks": [p for p in tasks if _leaks(p)],
        "subjects": [e.subject for e in emails if _leaks(e.subject)]
        + [m.subject for m in mail.outbox if _leaks(m.subject)],
    }
    assert found == {"urls": [], "logs": [], "tasks": [], "subjects": []}
