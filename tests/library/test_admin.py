import pytest
from django.test import Client

from library.models import Entry, ImportJob, Status
from tests.factories import TitleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_entries_changelist_filters_by_status_and_media_type(staff_client: Client) -> None:
    user = UserFactory()
    Entry.objects.create(user=user, title=TitleFactory(title_en="Heat"), status=Status.SEEN, rating=8)
    Entry.objects.create(user=user, title=TitleFactory(title_en="Alien"), status=Status.LATER)
    Entry.objects.create(user=user, title=TitleFactory(title_en="Lost", media_type="tv"), status=Status.SEEN)
    seen = staff_client.get("/admin/library/entry/", {"status__exact": "seen"})
    assert sorted(e.title.title_en for e in seen.context["cl"].result_list) == ["Heat", "Lost"]
    tv = staff_client.get("/admin/library/entry/", {"title__media_type__exact": "tv"})
    assert [e.title.title_en for e in tv.context["cl"].result_list] == ["Lost"]
    by_email = staff_client.get("/admin/library/entry/", {"q": user.email})
    assert len(by_email.context["cl"].result_list) == 3


def test_user_page_shows_their_library(staff_client: Client) -> None:
    user = UserFactory()
    Entry.objects.create(user=user, title=TitleFactory(), status=Status.SEEN)
    Entry.objects.create(user=user, title=TitleFactory(), status=Status.SEEN)
    page = staff_client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    assert f"/admin/library/entry/?user__id__exact={user.pk}&status__exact=seen" in page
    assert "2 seen" in page


def test_import_jobs_are_visible_read_only(staff_client: Client) -> None:
    job = ImportJob.objects.create(
        user=UserFactory(),
        source="imdb",
        filename="ratings.csv",
        payload=b"x",
        status="done",
        counts={"matched": 1, "created": 1, "updated": 0, "unmatched": 0},
    )
    assert staff_client.get("/admin/library/importjob/").status_code == 200
    assert staff_client.get(f"/admin/library/importjob/{job.pk}/change/").status_code == 200
    assert staff_client.get("/admin/library/importjob/add/").status_code == 403
