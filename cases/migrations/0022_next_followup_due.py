"""Each case's next follow-up date (cases.followup_due): the earliest due date of its open
follow-ups, filled from them here, and the index the overdue filter walks newest first."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor) -> None:
    Case = apps.get_model("cases", "Case")
    FollowUp = apps.get_model("cases", "FollowUp")
    open_followups = FollowUp.objects.filter(done_at=None)
    earliest = (
        open_followups.filter(case_id=OuterRef("pk")).order_by("due_date").values("due_date")[:1]
    )
    # Only the cases with an open follow-up: the others keep none.
    Case.objects.filter(pk__in=open_followups.values("case_id")).update(
        next_followup_due=Subquery(earliest)
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0021_reference_number_index")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="next_followup_due",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="next follow-up due"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("next_followup_due__isnull", False))
                & ~models.Q(("status", "closed")),
                fields=["-created_at", "-id"],
                include=["next_followup_due", "status", "responsible_organisation", "owner"],
                name="cases_case_followup_due",
            ),
        ),
    ]
