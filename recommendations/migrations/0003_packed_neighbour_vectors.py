"""Neighbour ids and weights packed together in one value (one read per title instead of two). The old
vectors are dropped: the next training (or `train_recommender --if-needed`) writes the new form."""

from django.db import migrations, models


def drop_vectors(apps, schema_editor) -> None:
    apps.get_model("recommendations", "NeighbourVector").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0002_nightly_training_schedule")]

    operations = [
        migrations.RunPython(drop_vectors, migrations.RunPython.noop),
        migrations.RemoveField(model_name="neighbourvector", name="neighbours"),
        migrations.RemoveField(model_name="neighbourvector", name="weights"),
        migrations.AddField(
            model_name="neighbourvector", name="packed", field=models.BinaryField(default=b""), preserve_default=False
        ),
    ]
