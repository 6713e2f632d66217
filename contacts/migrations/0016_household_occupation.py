"""Occupation codes (ISCO-08 / STYRK-08) beside the free text, and an occupation for each
adult in the household: the partner's, so far a free text on the newcomer, is copied onto
the partner member (created where the newcomer named a partner's occupation but no
partner), so that staff code every adult in one place."""

import django.db.models.deletion
from django.db import migrations, models


def partner_occupation_to_member(apps, schema_editor):
    Newcomer = apps.get_model("contacts", "Newcomer")
    HouseholdMember = apps.get_model("contacts", "HouseholdMember")
    newcomers = Newcomer.objects.exclude(partner_occupation="").filter(erased_at=None)
    for newcomer in newcomers.iterator():
        partner = (
            HouseholdMember.objects.filter(newcomer=newcomer, relation="partner")
            .order_by("pk")
            .first()
        )
        if partner is None:
            HouseholdMember.objects.create(
                newcomer=newcomer, relation="partner", occupation=newcomer.partner_occupation
            )
        elif not partner.occupation:
            partner.occupation = newcomer.partner_occupation
            partner.save(update_fields=["occupation"])


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0015_newcomer_citizenship_arabic'),
        ('occupations', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='householdmember',
            name='occupation',
            field=models.CharField(blank=True, max_length=200, verbose_name='occupation or competence'),
        ),
        migrations.AddField(
            model_name='householdmember',
            name='occupation_code',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='occupations.occupation', verbose_name='occupation code'),
        ),
        migrations.AddField(
            model_name='newcomer',
            name='occupation_code',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='occupations.occupation', verbose_name='occupation code'),
        ),
        migrations.RunPython(partner_occupation_to_member, migrations.RunPython.noop),
    ]
