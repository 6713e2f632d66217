"""A plan step rests while its case is closed (cases.selectors.case_work_rests). This adds
`rests`, with a default in the database so that the previous release's code can still
add steps during an upgrade; 0014 sets it for the cases closed already, 0015 rebuilds the
index of open steps by assignee without resting rows. Three migrations, each one
transaction, as cases 0017-0019."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0019_open_followup_indexes_not_resting"),
        ("contacts", "0018_occupation_uncoded_indexes"),
        ("onboarding", "0012_kindergarten_application_page"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="planstep",
            name="rests",
            field=models.BooleanField(
                default=False, db_default=False, editable=False, verbose_name="resting"
            ),
        ),
    ]
