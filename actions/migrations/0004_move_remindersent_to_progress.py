"""ReminderSent moves to the progress app with its rows and their history: its tables are
renamed to the names the progress app gives them, and the models leave this app's state
(progress 0001 adds them to its own)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('actions', '0003_story_entry_item_month_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable('remindersent', 'progress_remindersent'),
                migrations.AlterModelTable('historicalremindersent', 'progress_historicalremindersent'),
            ],
            state_operations=[
                migrations.DeleteModel('HistoricalReminderSent'),
                migrations.DeleteModel('ReminderSent'),
            ],
        ),
    ]
