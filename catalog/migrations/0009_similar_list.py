"""The served similar list is a neighbour kind of its own; content rows stay for the recommender."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0008_title_updated_idx"),
    ]

    operations = [
        migrations.AlterField(
            model_name="titleneighbour",
            name="kind",
            field=models.CharField(
                choices=[
                    ("similar", "similar list"),
                    ("content", "content"),
                    ("ratings", "co-ratings"),
                    ("tmdb", "TMDB recommendations"),
                ],
                max_length=8,
            ),
        ),
    ]
