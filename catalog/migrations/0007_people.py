"""The person index keyword search finds people in: each credited name once, and its credits."""

import django.db.models.deletion
from django.db import migrations, models


def fill_credits(apps, schema_editor):
    """The person index of a catalog loaded before it existed."""
    from catalog.people import credits_rebuild

    credits_rebuild(
        title_model=apps.get_model("catalog", "Title"),
        person_model=apps.get_model("catalog", "Person"),
        credit_model=apps.get_model("catalog", "Credit"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_calibrated_scores"),
    ]

    operations = [
        migrations.CreateModel(
            name="Person",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=300, verbose_name="name")),
                (
                    "search_name",
                    models.CharField(max_length=300, unique=True, verbose_name="searchable name"),
                ),
                ("titles", models.PositiveIntegerField(default=0, verbose_name="titles")),
            ],
            options={
                "verbose_name": "person",
                "verbose_name_plural": "people",
            },
        ),
        migrations.CreateModel(
            name="Credit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[("director", "director"), ("actor", "actor"), ("writer", "writer")],
                        max_length=8,
                        verbose_name="role",
                    ),
                ),
                (
                    "title",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="credits",
                        to="catalog.title",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="credits",
                        to="catalog.person",
                    ),
                ),
            ],
            options={
                "verbose_name": "credit",
                "verbose_name_plural": "credits",
                "constraints": [
                    models.UniqueConstraint(fields=("person", "title", "role"), name="credit_unique")
                ],
            },
        ),
        migrations.RunPython(fill_credits, migrations.RunPython.noop),
    ]
