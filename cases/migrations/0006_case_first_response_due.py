from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0005_newcomer_page'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='first_response_due',
            field=models.DateTimeField(blank=True, null=True, verbose_name='first response due'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('first_response_at', None)), fields=['first_response_due'], name='cases_case_response_due'),
        ),
    ]
