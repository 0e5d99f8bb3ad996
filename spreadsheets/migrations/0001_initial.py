"""PlanImport moves here from reports with its rows: reports 0003 renamed its tables to
spreadsheets_*, so this migration only adds the models to the state and gives the history
table's index the name this app's model gives it."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('reports', '0003_move_planimport_to_spreadsheets'),
        ('sendplan', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PlanImport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('area_name', models.CharField(max_length=120, verbose_name='local area')),
                        ('plan_title', models.CharField(max_length=200)),
                        ('slug', models.SlugField(max_length=120)),
                        ('month', models.DateField(help_text="The month the sheet's BRAGG and RAG ratings are for.")),
                        ('replace', models.BooleanField(default=False, verbose_name="replace the plan's content")),
                        ('file_name', models.CharField(max_length=255)),
                        ('content', models.BinaryField()),
                        ('sha256', models.CharField(editable=False, max_length=64, verbose_name='SHA-256')),
                        ('updates_name', models.CharField(blank=True, max_length=255, verbose_name='story so far file')),
                        ('updates_content', models.BinaryField(blank=True, null=True)),
                        ('updates_sha256', models.CharField(blank=True, editable=False, max_length=64)),
                        ('status', models.CharField(choices=[('previewed', 'Previewed'), ('imported', 'Imported')], default='previewed', max_length=16)),
                        ('imported_at', models.DateTimeField(blank=True, null=True)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('plan', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='sendplan.plan')),
                    ],
                    options={
                        'verbose_name': 'plan spreadsheet import',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalPlanImport',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(blank=True, editable=False)),
                        ('area_name', models.CharField(max_length=120, verbose_name='local area')),
                        ('plan_title', models.CharField(max_length=200)),
                        ('slug', models.SlugField(max_length=120)),
                        ('month', models.DateField(help_text="The month the sheet's BRAGG and RAG ratings are for.")),
                        ('replace', models.BooleanField(default=False, verbose_name="replace the plan's content")),
                        ('file_name', models.CharField(max_length=255)),
                        ('sha256', models.CharField(editable=False, max_length=64, verbose_name='SHA-256')),
                        ('updates_name', models.CharField(blank=True, max_length=255, verbose_name='story so far file')),
                        ('updates_sha256', models.CharField(blank=True, editable=False, max_length=64)),
                        ('status', models.CharField(choices=[('previewed', 'Previewed'), ('imported', 'Imported')], default='previewed', max_length=16)),
                        ('imported_at', models.DateTimeField(blank=True, null=True)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField()),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('plan', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='sendplan.plan')),
                    ],
                    options={
                        'verbose_name': 'historical plan spreadsheet import',
                        'verbose_name_plural': 'historical plan spreadsheet imports',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                        'indexes': [models.Index(fields=['history_date', 'id'], name='reports_his_history_83e92d_idx')],
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
            ],
        ),
        migrations.RenameIndex(
            model_name='historicalplanimport',
            new_name='spreadsheet_history_d65149_idx',
            old_name='reports_his_history_83e92d_idx',
        ),
    ]
