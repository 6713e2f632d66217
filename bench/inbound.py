"""Incoming mail: how well and how fast conversations.inbound reads it.

    .venv/bin/python bench/inbound.py             # rates, parse time per size, mails/s
    .venv/bin/python bench/inbound.py --max-mb 5  # sizes up to 5 MB only
    .venv/bin/python bench/inbound.py --failures  # and each sample's failed checks

1. Rates over the hand-written collection tests/conversations/mailcorpus.py (bounces,
   auto-replies and replies in the shapes of real servers and clients): bounces and
   auto-replies missed, people's mail taken for automatic mail, bounces tied back to our
   e-mail (by Message-ID, or by the failed recipient, which conversations.receive then
   looks up among our sent mail), replies whose own text was cut and whose quoted history
   was left, headers and charsets read wrong.
2. Parse time of one HTML-only mail (an Outlook-style newsletter: tables, styles,
   quoted-printable) per size up to 25 MB, IMAP_MAX_MESSAGE_BYTES's default. Target: under
   2 s at 25 MB (issue 20).
3. Mails per second over the collection, parsed in a loop.

Ends with one JSON line of every figure. Needs no database.
"""

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from conversations.inbound import inbound_parse  # noqa: E402
from tests.conversations.mailcorpus import judge, samples  # noqa: E402

SIZES_MB = [0.1, 1, 4.5, 10, 25]


def html_mail(size: int) -> bytes:
    """An HTML-only mail of about `size` bytes, quoted-printable, as Outlook sends one."""
    row = (
        '<tr><td class=3D"c1" style=3D"padding:4px;border:1px solid #ddd">Leilighet '
        'p=C3=A5 Ankenes, 3 rom</td><td style=3D"padding:4px"><span lang=3D"NO-BOK">'
        'Kr 9 500 per m=C3=A5ned, ledig fra 1. mars</span></td><td><a href=3D"https://'
        'bolig.example.no/annonse/12345">Se annonse</a></td></tr>\r\n'
    )
    head = (
        b"From: Kari Hansen <kari.hansen@kommune.example.no>\r\nTo: team@tilflytt.example\r\n"
        b"Subject: Ledige boliger\r\nDate: Fri, 27 Nov 2026 10:00:00 +0100\r\n"
        b"Message-ID: <big-%d@example.no>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: text/html; charset="utf-8"\r\n'
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"<html><head><style>td {font-family:Calibri}</style></head><body>"
        b"<p>Hei, her er listen over ledige boliger.</p><table>\r\n" % size
    )
    rows = row.encode() * max(1, (size - len(head)) // len(row))
    return head + rows + b"</table></body></html>\r\n"


def rates(show_failures: bool) -> dict[str, float]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # check -> [failed, total]
    failures = []

    def count(check: str, ok: bool) -> None:
        counts[check][1] += 1
        counts[check][0] += not ok

    for sample in samples():
        parsed = inbound_parse(sample.raw)
        checks = judge(sample, parsed)
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            failures.append((sample.name, bad, parsed.kind))
        if sample.group in ("bounce", "auto_reply"):
            count("automatic mail missed (bounce or auto-reply not recognised)", checks["kind"])
        if sample.group == "bounce":
            count("bounces misclassified (not called a bounce)", checks["kind"])
            count("bounces: failure or delay misjudged", checks["fails"])
            if sample.bounced_id:
                count("bounces not tied by Message-ID", checks["tied_by_id"])
            if sample.failed:
                count("bounces not naming the failed recipient", checks["names_recipient"])
            if sample.fails:
                tied = checks.get("tied_by_id", False) or checks.get("names_recipient", False)
                count("bounces not tied back at all (id or recipient)", tied)
        if sample.group == "auto_reply":
            count("auto-replies missed", checks["kind"])
        if sample.group in ("human", "charset"):
            count("people's mail taken for automatic mail", checks["kind"])
        if "keeps_own_text" in checks:
            count("replies with own text cut", checks["keeps_own_text"])
        if "drops_history" in checks:
            count("replies with quoted history left", checks["drops_history"])
        if sample.group == "charset":
            count(
                "headers or charsets read wrong",
                all(ok for name, ok in checks.items() if name != "kind"),
            )
    print(f"{'check':<64} {'failed':>7} {'of':>4} {'rate':>7}")
    result = {}
    for check, (failed, total) in counts.items():
        rate = failed / total if total else 0.0
        result[check] = round(rate, 4)
        print(f"{check:<64} {failed:>7} {total:>4} {rate:>7.1%}")
    if show_failures:
        print()
        for name, bad, kind in failures:
            print(f"  {name}: {', '.join(bad)} (kind {kind})")
    print()
    return result


def sizes(max_mb: float) -> dict[str, float]:
    print(f"{'HTML-only mail':<20} {'parse s':>9} {'MB/s':>7}")
    result = {}
    for mb in [s for s in SIZES_MB if s <= max_mb]:
        raw = html_mail(int(mb * 1024 * 1024))
        started = time.perf_counter()
        parsed = inbound_parse(raw)
        took = time.perf_counter() - started
        assert parsed.text.startswith("Hei, her er listen"), parsed.text[:80]  # noqa: S101
        result[f"parse_s_{mb:g}mb"] = round(took, 3)
        print(f"{f'{mb:g} MB':<20} {took:>9.3f} {len(raw) / took / 1e6:>7.2f}")
    print()
    return result


def throughput(seconds: float = 3.0) -> float:
    raws = [s.raw for s in samples()]
    parsed = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for raw in raws:
            inbound_parse(raw)
        parsed += len(raws)
    per_second = parsed / (time.perf_counter() - started)
    print(f"mixed set ({len(raws)} mails): {per_second:.0f} mails/s\n")
    return round(per_second, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-mb", type=float, default=25)
    parser.add_argument("--failures", action="store_true", help="list each sample's failures")
    args = parser.parse_args()
    figures = {"rates": rates(args.failures), **sizes(args.max_mb)}
    figures["mixed_mails_per_s"] = throughput()
    print(json.dumps({"bench": "inbound", **figures}, ensure_ascii=False))


if __name__ == "__main__":
    main()
