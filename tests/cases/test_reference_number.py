"""On PostgreSQL the search by a reference's number (cases.search._reference_end_q) reads
the references through the index of the number (migrations/0021), not by rechecking every
reference that holds the number's digits. What it finds: tests/cases/test_search.py."""

import pytest

from cases.models import Case
from cases.search import _reference_end_q
from tests import factories as f
from tests.plans import plan_nodes, plan_of

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_postgresql_reads_the_number_from_its_index(analysed):
    Case.objects.filter(pk=f.make_case().pk).update(reference="IMP-7-0042")
    for n in range(300):  # many references holding "42" elsewhere than at their end
        Case.objects.filter(pk=f.make_case().pk).update(reference=f"NR-42{n:03d}-{n + 1000}")
    analysed("cases_case")
    query = Case.objects.filter(_reference_end_q("-", 42, vendor="postgresql"))
    assert list(query.values_list("reference", flat=True)) == ["IMP-7-0042"]
    query = query.values("pk")
    sql, params = query.query.sql_with_params()
    plan = plan_of(sql, params, settings={"enable_seqscan": "off"})
    indexes = {node.get("Index Name") for node, _subplan in plan_nodes(plan)}
    assert "cases_case_reference_number" in indexes, indexes
    assert "cases_case_reference_trgm" not in indexes
