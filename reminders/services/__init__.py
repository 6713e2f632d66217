"""The reminders sweep: plan what has become due, claim each row once, queue its e-mail.

Runs every five minutes as reminders.tasks.reminders_sweep (beat) and by hand as
`manage.py send_reminders [--dry-run]`. Any number of sweeps may run at once (two beats, a
cron job beside beat, a retry after a crash): the unique key and the claim (sweep) make
every reminder go out once.

- planning: the rows that have become due (reminders_plan);
- sweep: each due row claimed once and its e-mail queued (reminders_sweep);
- preferences: staff's choices, and the admin's retry of failed rows.
"""

from reminders.services.planning import DEFAULT_DIGEST_TIME, reminders_plan
from reminders.services.preferences import reminder_preference_update, reminders_retry
from reminders.services.sweep import (
    CHUNK,
    NEVER_MISSED,
    SWEEP_BATCH,
    SweepResult,
    reminder_handle_one,
    reminders_sweep,
)

__all__ = [
    "CHUNK",
    "DEFAULT_DIGEST_TIME",
    "NEVER_MISSED",
    "SWEEP_BATCH",
    "SweepResult",
    "reminder_handle_one",
    "reminder_preference_update",
    "reminders_plan",
    "reminders_retry",
    "reminders_sweep",
]
