"""The size of the largest history file, one setting that every layer reads: the WSGI drain, the 413 before
a body is read, the import service and the importers (each file of a ZIP, uncompressed, and the ZIP's total).

Read at call time, never at import: `IMPORT_MAX_UPLOAD_MB` changed in a test or a deployment moves them all.
"""

from django.conf import settings

MB = 1024 * 1024

# Room for the multipart envelope and the form's other fields around the largest file accepted.
MULTIPART_ENVELOPE_BYTES = 64 * 1024


def upload_max_mb() -> int:
    """`IMPORT_MAX_UPLOAD_MB`: the largest history file, as sent and, uncompressed, each file of a ZIP."""
    return int(settings.IMPORT_MAX_UPLOAD_MB)


def upload_max_bytes() -> int:
    """The largest history file accepted, in bytes."""
    return upload_max_mb() * MB
