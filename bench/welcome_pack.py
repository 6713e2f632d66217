"""Time to build one welcome pack: a household with three children and fifteen steps.

Run: .venv/bin/python bench/welcome_pack.py [--runs 60]
Prints a table, then one JSON line: {"median_ms", "p95_ms", "packs_per_s", "cpu_median_ms"}.
Target: median under 100 ms. On a shared machine the wall-clock figures follow the load;
the process's CPU time per pack (`cpu_median_ms`) is the one to compare between commits.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="tilflytt-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from contacts.models import HouseholdMember, Municipality, Organisation
    from onboarding.models import LocalOffer, OnboardingTemplate, PlanStep
    from onboarding.pdf import render_welcome_pack
    from onboarding.services import plan_start
    from tests import factories as f

    organisation, _ = Organisation.objects.get_or_create(name="Bench kommune", kind="municipality")
    user = f.make_user(
        organisation=organisation, role="coordinator", first_name="Kari", last_name="Nordmann"
    )
    narvik = Municipality.objects.get(name="Narvik")
    newcomer = f.make_newcomer(
        name="Zofia Nowak-Kowalczyk",
        municipality=narvik,
        interests="skiing, choir, football",
        target_group="eu_worker",
        partner_needs_work=True,
    )
    HouseholdMember.objects.create(newcomer=newcomer, relation="partner", name="Jan")
    for year in (2016, 2019, 2023):
        HouseholdMember.objects.create(newcomer=newcomer, relation="child", birth_year=year)
    for i in range(20):
        LocalOffer.objects.create(
            name=f"Offer {i}",
            kind="association",
            municipality=narvik,
            age_min=i % 12,
            age_max=i % 12 + 6,
        )
    case = f.make_case(newcomer=newcomer, organisation=organisation, owner=user)
    plan = plan_start(
        case=case,
        template=OnboardingTemplate.objects.get(slug="moving-to-the-region"),
        move_date=date(2027, 4, 1),
        from_abroad=True,
        eu_eea=True,
        long_stay=True,
        importing_car=False,
        actor=user,
    )
    extra = plan.steps.order_by("-due_date")[15:]
    PlanStep.objects.filter(pk__in=[s.pk for s in extra]).delete()
    steps = plan.steps.count()

    render_welcome_pack(case=case, language="nb")  # warm-up: fonts, templates, translations
    timings, cpu_timings = [], []
    size = 0
    for run in range(args.runs):
        start, cpu_start = time.perf_counter(), time.process_time()
        content = render_welcome_pack(case=case, language=("nb", "en")[run % 2])
        timings.append((time.perf_counter() - start) * 1000)
        cpu_timings.append((time.process_time() - cpu_start) * 1000)
        size = len(content)
    timings.sort()
    median = statistics.median(timings)
    cpu_median = statistics.median(cpu_timings)
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    per_second = 1000 / statistics.mean(timings)
    print(f"{'household':<28}3 children, partner, {steps} steps, 20 offers in catalogue")
    print(f"{'runs':<28}{args.runs}")
    print(f"{'median (ms)':<28}{median:.1f}")
    print(f"{'p95 (ms)':<28}{p95:.1f}")
    print(f"{'median CPU time (ms)':<28}{cpu_median:.1f}")
    print(f"{'packs per second':<28}{per_second:.1f}")
    print(f"{'PDF size (bytes)':<28}{size}")
    print(
        json.dumps(
            {
                "median_ms": round(median, 1),
                "p95_ms": round(p95, 1),
                "packs_per_s": round(per_second, 1),
                "cpu_median_ms": round(cpu_median, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
