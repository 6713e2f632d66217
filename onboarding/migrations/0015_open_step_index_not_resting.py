"""onboarding_step_open_due ("My work" and the reminders: open steps by assignee and date)
without the steps resting on closed cases (0013, 0014). Built under another name first
and swapped in at the end, so the drop, which locks the table out until the migration
commits, comes after the build (as cases 0019)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("onboarding", "0014_rest_closed_cases_steps")]

    operations = [
        migrations.AddIndex(
            model_name="planstep",
            index=models.Index(
                condition=models.Q(("rests", False), ("status", "open")),
                fields=["assignee", "due_date"],
                name="onboarding_step_open_due_next",
            ),
        ),
        migrations.RemoveIndex(model_name="planstep", name="onboarding_step_open_due"),
        migrations.RenameIndex(
            model_name="planstep",
            new_name="onboarding_step_open_due",
            old_name="onboarding_step_open_due_next",
        ),
    ]
