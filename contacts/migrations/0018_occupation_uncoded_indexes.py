"""Partial indexes of the free-text occupations still without a code, for the page that
lists them (reports.unmapped, "Occupations without a code"): the uncoded newcomers by id
with their text, the same by LOWER(TRIM(text)), and the uncoded adult household members by
newcomer. Each holds only uncoded rows, so it stays small once `map_occupations` and
staff have coded the texts. On PostgreSQL the build locks writes to the table for a few
seconds at a million newcomers (about 1 s each here)."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0017_household_occupation'),
        ('occupations', '0002_isco08_styrk08'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='householdmember',
            index=models.Index(condition=models.Q(('occupation_code', None), models.Q(('occupation', ''), _negated=True), models.Q(('relation', 'child'), _negated=True)), fields=['newcomer'], include=('occupation',), name='contacts_member_uncoded'),
        ),
        migrations.AddIndex(
            model_name='newcomer',
            index=models.Index(condition=models.Q(('occupation_code', None), models.Q(('occupation', ''), _negated=True), ('erased_at', None)), fields=['id'], include=('occupation',), name='contacts_newcomer_uncoded'),
        ),
        migrations.AddIndex(
            model_name='newcomer',
            index=models.Index(django.db.models.functions.text.Lower(django.db.models.functions.text.Trim('occupation')), condition=models.Q(('occupation_code', None), models.Q(('occupation', ''), _negated=True), ('erased_at', None)), name='contacts_newcomer_uncoded_text'),
        ),
    ]
