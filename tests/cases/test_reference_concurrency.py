"""Case references stay unique and gap-free when many enquiries arrive at once."""

import threading

import pytest
from django.db import connection, connections

from cases import services
from cases.models import Case
from tests import factories as f

WORKERS = 8
PER_WORKER = 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_case_reference_unique_under_concurrent_creation():
    assert connection.vendor == "postgresql"
    newcomer = f.make_newcomer()
    start = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def create_cases():
        try:
            start.wait()
            for _ in range(PER_WORKER):
                services.case_open(newcomer=newcomer, channel="phone")
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create_cases) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    references = list(Case.objects.values_list("reference", flat=True))
    assert len(references) == WORKERS * PER_WORKER
    assert len(set(references)) == len(references)
    numbers = sorted(int(ref.rsplit("-", 1)[1]) for ref in references)
    assert numbers == list(range(1, WORKERS * PER_WORKER + 1))
