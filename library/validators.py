"""What a history upload must be before it is read, for the API's input and the import page alike.

The file's content is checked by `library.services.import_job_create`, which parses it; the messages are
Django REST framework's own, as the API has always answered them.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from library.importers import AUTO
from library.models import ImportJob

IMPORT_SOURCES = (AUTO, *ImportJob.Source.values)  # "auto": the service is read from the file


def import_upload_check(*, source: str, size: int) -> None:
    """A known source (or "auto") and a file with something in it; a ValidationError names each wrong
    field."""
    errors: dict[str, list[str]] = {}
    if source not in IMPORT_SOURCES:
        errors["source"] = [_('"{input}" is not a valid choice.').format(input=source)]
    if size <= 0:
        errors["file"] = [_("The submitted file is empty.")]
    if errors:
        raise ValidationError(errors)
