"""An index on a title's last change: each process checks it before reusing its in-process search index."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0007_people"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="title",
            index=models.Index(fields=["updated_at"], name="title_updated_idx"),
        ),
    ]
