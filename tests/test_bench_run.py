"""bench/run.py counts only pages that answered: a server that fails fast (a missing
static manifest answered 500 in a millisecond) once measured ten times today's code."""

import pytest

from bench import run as bench_run


class _Answers:
    """A stand-in for bench_run.Session that answers every request with `status`."""

    def __init__(self, status: int) -> None:
        self.status = status

    def clone(self) -> "_Answers":
        return self

    def request(self, path: str, data: object = None) -> tuple[int, bytes, dict]:
        return self.status, b"", {}


def test_bench_run_throughput_counts_pages_that_answered():
    assert bench_run.throughput(_Answers(200), "/cases/", clients=2, seconds=0.05) > 0


@pytest.mark.parametrize("status", [404, 500])
def test_bench_run_throughput_stops_at_an_error_page(status):
    with pytest.raises(SystemExit, match=f"answered {status} under load"):
        bench_run.throughput(_Answers(status), "/cases/", clients=2, seconds=0.05)


def test_bench_run_login_refuses_an_error_page():
    session = bench_run.Session("http://127.0.0.1:9")
    session.request = lambda path, data=None: (500, b"Server Error (500)", {})  # type: ignore[method-assign]
    with pytest.raises(SystemExit, match="login as bench-coordinator failed"):
        session.login("bench-coordinator")
