"""Moving in from spreadsheets: one file's rows become newcomers and cases, through the
same services as the intake, so the rules and the timeline hold.

`import_file_run` is both the dry run and the real run: the dry run does everything in a
transaction that is then rolled back, so what it shows is exactly what the real run does.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cases.models import Case
from cases.services import case_event_record, case_newcomer_update, case_open
from contacts.models import Newcomer
from contacts.phones import phone_normalise
from contacts.services import (
    consent_record,
    household_add_members,
    newcomer_find_or_create,
)
from imports.fields import FIELD_KEYS, Lookups, mapping_problems, row_values
from imports.offers import OFFER_FIELD_KEYS, offer_mapping_problems, offer_rows_import
from imports.reading import FileProblem, Row, csv_rows, xlsx_rows
from imports.report import ImportReport, Outcome, RowResult

__all__ = ["ImportReport", "Outcome", "RowResult", "import_file_run"]
# Fields of a known newcomer an import may fill when they are empty (never overwrite).
FILLABLE = ["name", "phone", "municipality", "planned_move_date", "occupation", "interests"]


class _DryRunRollback(Exception):
    pass


def _email_index() -> dict[str, int]:
    """Newcomers by e-mail address (lower case), one query: memory grows with the
    database's newcomers (ids and addresses), not with the file."""
    return {
        email.lower(): pk
        for email, pk in Newcomer.objects.exclude(email="").values_list("email", "pk").iterator()
    }


def _phone_index() -> dict[str, int]:
    """Newcomers by normalised phone number (stored numbers are free text), one query."""
    index: dict[str, int] = {}
    for pk, phone in Newcomer.objects.exclude(phone="").values_list("pk", "phone").iterator():
        try:
            index.setdefault(phone_normalise(phone), pk)
        except ValueError:
            continue
    return index


def _open_rows(
    *, kind: str, open_file: Any, encoding: str
) -> tuple[list[str], Iterator[Row], list[IO[bytes]]]:
    if kind == "xlsx":
        formulas, values = open_file(), open_file()
        headers, rows = xlsx_rows(formulas, values)
        return headers, rows, [formulas, values]
    stream = open_file()
    headers, rows = csv_rows(stream, encoding)
    return headers, rows, [stream]


def import_file_run(
    *,
    open_file: Any,
    kind: str,
    encoding: str,
    mapping: dict[str, str],
    actor: User,
    dry_run: bool,
    what: str = "newcomers",
) -> ImportReport:
    """Imports newcomers and their cases from one file, in one transaction.

    `open_file()` returns a new binary stream of the file each call (XLSX reads it twice).
    1. A row is matched on its case reference, else its e-mail, else its phone
       (normalised): a known newcomer gets only empty fields filled and children not yet
       recorded, on the timeline of their latest case; an unknown one is created with a
       case (channel "import"), and their consent is "imported, to be confirmed".
    2. A row that cannot be read, or that is the same person as an earlier row, is refused
       with its reasons; its savepoint is rolled back, so nothing of it is written.
    3. The dry run rolls the whole transaction back at the end.
    A second run of the same file therefore creates nothing: every row is found again.
    `what="offers"` imports local offers and events instead (imports/offers.py), in the
    same transaction, savepoints and dry run.
    """
    report = ImportReport(dry_run=dry_run, what=what)
    offers = what == "offers"
    problems = offer_mapping_problems(mapping) if offers else mapping_problems(mapping)
    unknown = set(mapping) - set(OFFER_FIELD_KEYS if offers else FIELD_KEYS)
    if problems or unknown:
        report.problems = problems or [_("The column choices are not valid.")]
        return report
    streams: list[IO[bytes]] = []
    try:
        headers, rows, streams = _open_rows(kind=kind, open_file=open_file, encoding=encoding)
        missing = sorted(h for h in mapping.values() if h and h not in headers)
        if missing:
            report.problems = [
                _("The file has no column called “%(name)s”.") % {"name": name} for name in missing
            ]
            return report
        try:
            with transaction.atomic():
                rows_import = offer_rows_import if offers else _import_rows
                rows_import(rows=rows, mapping=mapping, actor=actor, report=report)
                if dry_run:
                    raise _DryRunRollback
        except _DryRunRollback:
            pass
    except FileProblem as problem:
        report.problems = [str(problem)]
        report.counts.clear()
        report.rows.clear()
    except UnicodeDecodeError:
        report.problems = [_("The file's characters changed encoding part-way through.")]
        report.counts.clear()
        report.rows.clear()
    finally:
        for stream in streams:
            stream.close()
    return report


def _import_rows(
    *, rows: Iterator[Row], mapping: dict[str, str], actor: User, report: ImportReport
) -> None:
    lookups = Lookups()
    index = _Index(emails=_email_index(), phones=_phone_index())
    seen: dict[str, int] = {}  # match key -> the file's row that had it
    for row in rows:
        values, problems = row_values(cells=row.values, mapping=mapping, lookups=lookups)
        problems = row.problems + problems
        keys = [f"{k}:{values[k].lower()}" for k in ("email", "phone", "reference") if values[k]]
        earlier = next((seen[k] for k in keys if k in seen), None)
        if earlier is not None:
            problems.append(_("The same person as row %(row)s.") % {"row": earlier})
        for key in keys:
            seen.setdefault(key, row.number)
        result = RowResult(number=row.number, outcome=Outcome.REFUSED, name=values["name"])
        if not problems:
            try:
                with transaction.atomic():
                    result.outcome, notes = _import_row(
                        values=values, index=index, actor=actor, row_number=row.number
                    )
                result.reasons = row.notes + notes
            except ValidationError as error:
                problems = list(error.messages)
            except IntegrityError:
                # Someone saved the same person while the file ran (the unique e-mail).
                problems = [_("This row conflicts with a newcomer saved meanwhile; run again.")]
        if problems:
            result.outcome = Outcome.REFUSED
            result.reasons = problems
        report.add(result)


@dataclass
class _Index:
    emails: dict[str, int]
    phones: dict[str, int]


def _find(values: dict[str, Any], index: _Index) -> tuple[Newcomer | None, Case | None]:
    """The newcomer (and case) a row is about, or a ValidationError when its keys point at
    different people."""
    case = None
    if values["reference"]:
        case = Case.objects.select_related("newcomer").filter(reference=values["reference"]).first()
        if case is None:
            raise ValidationError(
                _("No case has the reference “%(value)s”.") % {"value": values["reference"]}
            )
    ids = set()
    if case is not None:
        ids.add(case.newcomer_id)
    if values["email"] in index.emails:
        ids.add(index.emails[values["email"]])
    if values["phone"] in index.phones:
        ids.add(index.phones[values["phone"]])
    if len(ids) > 1:
        raise ValidationError(
            _("The e-mail, phone and reference of this row belong to different newcomers.")
        )
    if not ids:
        return None, None
    newcomer = Newcomer.objects.get(pk=ids.pop())
    if newcomer.erased_at is not None:
        raise ValidationError(_("This newcomer's data was erased; they are not imported again."))
    return newcomer, case


def _import_row(
    *, values: dict[str, Any], index: _Index, actor: User, row_number: int
) -> tuple[str, list[str]]:
    newcomer, case = _find(values, index)
    if newcomer is None:
        newcomer, _created = newcomer_find_or_create(
            name=values["name"],
            email=values["email"],
            phone=values["phone"],
            preferred_language=values["preferred_language"],
            municipality=values["municipality"],
            locality=None,
            planned_move_date=values["planned_move_date"],
            target_group=values["target_group"],
            occupation=values["occupation"],
            interests=values["interests"],
            consent_to_confirm=True,
        )
        if values["partner_name"] or values["children_birth_years"]:
            household_add_members(
                newcomer=newcomer,
                partner_name=values["partner_name"],
                children_birth_years=values["children_birth_years"],
            )
        case = case_open(
            newcomer=newcomer, channel=Case.Channel.IMPORT, message=values["message"], actor=actor
        )
        case_event_record(
            case=case, kind="imports.case.imported", actor=actor, data={"row": row_number}
        )
        # The row's last step: nothing after it can roll the row's savepoint back, so the
        # index never points at a newcomer that was not written.
        if values["email"]:
            index.emails.setdefault(values["email"], newcomer.pk)
        if values["phone"]:
            index.phones.setdefault(values["phone"], newcomer.pk)
        return Outcome.CREATED, [_("Consent imported, to be confirmed.")]

    if case is None:
        case = Case.objects.filter(newcomer=newcomer).order_by("-created_at", "-pk").first()
    if case is None:
        case = case_open(
            newcomer=newcomer, channel=Case.Channel.IMPORT, message=values["message"], actor=actor
        )
    changes = {
        name: values[name]
        for name in FILLABLE
        if values[name] not in ("", None) and getattr(newcomer, name) in ("", None)
    }
    changed = case_newcomer_update(case=case, changes=changes, actor=actor) if changes else []
    added = household_add_members(
        newcomer=newcomer,
        partner_name=values["partner_name"],
        children_birth_years=values["children_birth_years"],
    )
    if not changed and not added:
        return Outcome.UNCHANGED, []
    labels = {f.name: str(f.verbose_name) for f in Newcomer._meta.fields}
    notes = []
    if changed:
        notes.append(
            _("Filled in: %(fields)s.") % {"fields": ", ".join(labels[n] for n in changed)}
        )
    if added:
        notes.append(_("Household members added: %(n)s.") % {"n": len(added)})
    return Outcome.UPDATED, notes


@transaction.atomic
def consent_confirm_imported(*, newcomer: Newcomer, scopes: list[str], actor: User) -> Newcomer:
    """Staff confirm an imported consent (having asked the newcomer): the scopes they
    confirm become consents like the intake's, and sharing is allowed within them."""
    if newcomer.consent_to_confirm_since is None:
        raise ValidationError(_("This newcomer's consent is not waiting for confirmation."))
    consent_record(newcomer=newcomer, scopes=scopes)
    for case in Case.objects.filter(newcomer=newcomer):
        case_event_record(
            case=case,
            kind="imports.consent.confirmed",
            actor=actor,
            data={"scopes": sorted(scopes)},
        )
    return newcomer
