"""ReminderSent moves here from actions with its rows: actions 0004 renamed its tables to
progress_*, so this migration only adds the models to the state and gives the history
table's index the name this app's model gives it."""

import django.db.models.deletion
import django.utils.timezone
import sendplan.models
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('actions', '0004_move_remindersent_to_progress'),
        ('sendplan', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalReminderSent',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('month', models.DateField(validators=[sendplan.models.validate_first_of_month])),
                        ('sent_on', models.DateField()),
                        ('email', models.EmailField(max_length=254)),
                        ('item_count', models.PositiveIntegerField(help_text='Outstanding items the e-mail listed.')),
                        ('sent_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField()),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('person', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='sendplan.person')),
                        ('plan', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='sendplan.plan')),
                    ],
                    options={
                        'verbose_name': 'historical reminder sent',
                        'verbose_name_plural': 'historical reminders sent',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                        'indexes': [models.Index(fields=['history_date', 'id'], name='actions_his_history_6b9499_idx')],
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='ReminderSent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(validators=[sendplan.models.validate_first_of_month])),
                        ('sent_on', models.DateField()),
                        ('email', models.EmailField(max_length=254)),
                        ('item_count', models.PositiveIntegerField(help_text='Outstanding items the e-mail listed.')),
                        ('sent_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminders_sent', to='sendplan.person')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminders_sent', to='sendplan.plan')),
                    ],
                    options={
                        'verbose_name': 'reminder sent',
                        'verbose_name_plural': 'reminders sent',
                        'ordering': ['plan', '-sent_on', 'person'],
                        'constraints': [models.UniqueConstraint(fields=('plan', 'person', 'month', 'sent_on'), name='reminder_once_a_day')],
                    },
                ),
            ],
        ),
        migrations.RenameIndex(
            model_name='historicalremindersent',
            new_name='progress_hi_history_db71c4_idx',
            old_name='actions_his_history_6b9499_idx',
        ),
    ]
