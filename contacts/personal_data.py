"""The newcomer's own record, household, consents and personal links
(config.personal_data). Masked last: the other units find the newcomer's cases first."""

from config.personal_data import ERASED_NAME, Export, Subject, iso
from contacts.models import Consent, HouseholdMember, Newcomer, NewcomerLink
from contacts.occupation_tally import occupation_tally_compact

RECORD_FIELDS = (
    "id",
    "name",
    "email",
    "phone",
    "preferred_language",
    "planned_move_date",
    "moved_at",
    "lifecycle",
    "target_group",
    "citizenship",
    "occupation",
    "partner_needs_work",
    "partner_occupation",
    "interests",
    "heard_via",
    "consent_given_at",
    "consent_text_version",
    "reminders_consent_at",
    "email_failing_since",
    "created_at",
    "updated_at",
    "erased_at",
)


class ContactsPersonalData:
    order = 90

    def export(self, subject: Subject) -> Export:
        newcomer = subject.newcomer
        record = {}
        for name in RECORD_FIELDS:
            value = getattr(newcomer, name)
            record[name] = value.isoformat() if hasattr(value, "isoformat") else value
        record["occupation_code"] = newcomer.occupation_code_id
        record["municipality"] = newcomer.municipality.name if newcomer.municipality else None
        record["locality"] = newcomer.locality.name if newcomer.locality else None
        return Export(
            sections={
                "newcomer": record,
                "household": [
                    {
                        "relation": m.relation,
                        "name": m.name,
                        "birth_year": m.birth_year,
                        "occupation": m.occupation,
                        "occupation_code": m.occupation_code_id,
                    }
                    for m in HouseholdMember.objects.filter(newcomer=newcomer)
                ],
                "consents": [
                    {
                        "scope": c.scope,
                        "text_version": c.text_version,
                        "given_at": iso(c.given_at),
                        "withdrawn_at": iso(c.withdrawn_at),
                    }
                    for c in Consent.objects.filter(newcomer=newcomer).order_by("given_at", "pk")
                ],
                "personal_links": [
                    {
                        "created_at": iso(link.created_at),
                        "last_used_at": iso(link.last_used_at),
                        "revoked_at": iso(link.revoked_at),
                        "pending": link.pending,
                    }
                    for link in NewcomerLink.objects.filter(newcomer=newcomer).order_by("pk")
                ],
            }
        )

    def erase(self, subject: Subject) -> None:
        """Identifiers and free text go; the codes the dashboard counts (lifecycle, target
        group, municipality, dates) and the consents, kept as evidence, stay. The personal
        link stops working."""
        newcomer = subject.newcomer
        Newcomer.objects.filter(pk=newcomer.pk).update(
            name=ERASED_NAME,
            email="",
            # About the address, which goes.
            email_failing_since=None,
            phone="",
            phone_normalised="",
            occupation="",
            # A code beside an erased free text would still say what the person does.
            occupation_code=None,
            citizenship="",
            partner_occupation="",
            interests="",
            erased_at=subject.now,
            updated_at=subject.now,
        )
        HouseholdMember.objects.filter(newcomer=newcomer).update(
            name="", occupation="", occupation_code=None
        )
        NewcomerLink.objects.filter(newcomer=newcomer, revoked_at=None).update(
            revoked_at=subject.now
        )
        # The tally's triggers counted the texts out; folding them drops a text nobody
        # else has, which would otherwise stay in a row of -1 until the next compaction.
        occupation_tally_compact(wait=True)
