"""The ReminderSent content types move from actions to progress with the model, so the
permissions granted on it (and the admin's log of it) keep pointing at it."""

from django.db import migrations

MODELS = ['remindersent', 'historicalremindersent']


def move(apps, schema_editor, source='actions', target='progress'):
    content_type = apps.get_model('contenttypes', 'ContentType')
    rows = content_type.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        # On a new database there is none yet: migrate makes them once it has finished.
        if not rows.filter(app_label=target, model=model).exists():
            rows.filter(app_label=source, model=model).update(app_label=target)


def move_back(apps, schema_editor):
    move(apps, schema_editor, source='progress', target='actions')


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('progress', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(move, move_back),
    ]
