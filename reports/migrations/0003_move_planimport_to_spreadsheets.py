"""PlanImport moves to the spreadsheets app with its rows and their history: its tables are
renamed to the names the spreadsheets app gives them, and the models leave this app's state
(spreadsheets 0001 adds them to its own)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0002_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable('planimport', 'spreadsheets_planimport'),
                migrations.AlterModelTable('historicalplanimport', 'spreadsheets_historicalplanimport'),
            ],
            state_operations=[
                migrations.DeleteModel('HistoricalPlanImport'),
                migrations.DeleteModel('PlanImport'),
            ],
        ),
    ]
