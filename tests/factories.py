import factory

from accounts.models import User

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(TEST_PASSWORD)


class DataSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "catalog.DataSource"
        django_get_or_create = ("key",)

    key = "test-source"
    name = "Test source"
    licence = "CC0-1.0"


class TitleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "catalog.Title"

    media_type = "movie"
    title_en = factory.Sequence(lambda n: f"Film {n}")
    year = 2001
    source = factory.SubFactory(DataSourceFactory)
    source_key = factory.Sequence(lambda n: f"k{n}")
    imdb_id = factory.Sequence(lambda n: f"tt{1000000 + n}")
