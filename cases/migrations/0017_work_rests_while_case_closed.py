"""A follow-up rests while its case is closed (cases.selectors.case_work_rests). This adds
`rests`, with a default in the database so that the previous release's code can still
add rows during an upgrade; 0018 sets it for the cases closed already, 0019 rebuilds the
indexes of open follow-ups without resting rows. Three migrations, each one transaction,
so an upgrade that fails in one carries on from there when run again, and the table is
locked out only for the moment ADD COLUMN takes (no rewrite: the default is a constant).
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0016_owner_open_covers_dashboard"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="followup",
            name="rests",
            field=models.BooleanField(
                default=False, db_default=False, editable=False, verbose_name="resting"
            ),
        ),
    ]
