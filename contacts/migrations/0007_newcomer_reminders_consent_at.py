from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0006_newcomer_page'),
    ]

    operations = [
        migrations.AddField(
            model_name='newcomer',
            name='reminders_consent_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='reminders wanted since'),
        ),
    ]
