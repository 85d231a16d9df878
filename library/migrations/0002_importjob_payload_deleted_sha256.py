"""Uploaded history files are deleted when their import ends; a SHA-256 of each stays to recognise it.

Jobs that already ended lose their file here, after it is hashed; pending and running jobs keep it.
"""

import hashlib

from django.db import migrations, models


def hash_and_delete_ended_files(apps: object, schema_editor: object) -> None:
    ImportJob = apps.get_model("library", "ImportJob")  # type: ignore[attr-defined]
    ids = ImportJob.objects.filter(payload__isnull=False).values_list("pk", flat=True)
    for pk in list(ids):  # one file in memory at a time
        job = ImportJob.objects.only("pk", "status", "payload").get(pk=pk)
        job.sha256 = hashlib.sha256(bytes(job.payload)).hexdigest()
        if job.status in ("done", "failed"):
            job.payload = None
        job.save(update_fields=["sha256", "payload"])


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="sha256",
            field=models.CharField(
                blank=True, editable=False, max_length=64, verbose_name="SHA-256 of the file"
            ),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="payload",
            field=models.BinaryField(null=True, verbose_name="file"),
        ),
        migrations.RunPython(hash_and_delete_ended_files, migrations.RunPython.noop, elidable=True),
    ]
