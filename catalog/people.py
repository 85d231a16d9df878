"""The person index behind keyword search: every name the titles credit, and who did what on which title.

`Title.save()` keeps one title's credits (`Credit.objects.sync`); bulk writers, which bypass save(), call
`credits_rebuild` once they are done. It compares what the titles say with what the tables hold and writes
only the difference, so a second run of a load writes nothing.
"""

from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce

from catalog.models import Credit, Person, Title, people_recount, person_key, title_credits
from core.db import bulk_insert


def credits_rebuild(
    *, title_model: Any = Title, person_model: Any = Person, credit_model: Any = Credit
) -> int:
    """Bring every title's credits in line with its directors, cast and writers; returns the credits added
    or removed. The models are parameters so that a migration can pass its historical ones."""
    wanted: set[tuple[int, str, str]] = set()
    names: dict[str, str] = {}
    rows = title_model.objects.exclude(search_people="").values_list("pk", "directors", "writers", "cast")
    for pk, directors, writers, cast in rows.iterator(chunk_size=5000):
        for (key, role), name in title_credits(directors, writers, cast).items():
            wanted.add((pk, key, role))
            names.setdefault(key, name)
    with transaction.atomic():
        person_pk = dict(person_model.objects.values_list("search_name", "pk"))
        new_people = [(names[key], key, 0) for key in sorted(names.keys() - person_pk.keys())]
        bulk_insert(person_model._meta.db_table, ("name", "search_name", "titles"), new_people)
        if new_people:
            person_pk = dict(person_model.objects.values_list("search_name", "pk"))
        wanted_rows = {(pk, person_pk[key], role) for pk, key, role in wanted}
        held = {
            (title_id, person_id, role): credit_pk
            for credit_pk, title_id, person_id, role in credit_model.objects.values_list(
                "pk", "title_id", "person_id", "role"
            ).iterator(chunk_size=20000)
        }
        obsolete = [credit_pk for row, credit_pk in held.items() if row not in wanted_rows]
        for start in range(0, len(obsolete), 5000):
            credit_model.objects.filter(pk__in=obsolete[start : start + 5000]).delete()
        bulk_insert(
            credit_model._meta.db_table,
            ("title_id", "person_id", "role"),
            sorted(wanted_rows - held.keys()),
        )
        added = len(wanted_rows - held.keys())
        if added or obsolete:
            person_model.objects.filter(credits__isnull=True).delete()  # nobody is credited so any more
            people_recount(person_model, credit_model)
    return added + len(obsolete)


def person_named(name: str) -> Person | None:
    """The person a name means: whoever bears that whole name ("Jean Reno", never "Jean Renoir"), or for
    a single word, the best-known of those whose name ends with it ("Miyazaki": the one whose titles have
    the most votes); None when nobody does."""
    key = person_key(name)
    if not key:
        return None
    whole = Person.objects.filter(search_name=key).first()
    if whole is not None or " " in key:
        return whole
    return (
        Person.objects.filter(search_name__endswith=f" {key}")
        .annotate(fame=Sum(Coalesce("credits__title__votes", "credits__title__imdb_votes")))
        .order_by(F("fame").desc(nulls_last=True), "-titles", "pk")
        .first()
    )
