from django.urls import path

from catalog.api.views import GenreListApi, LanguageListApi, WatchServiceListApi

urlpatterns = [
    path("genres", GenreListApi.as_view(), name="genres"),
    path("languages", LanguageListApi.as_view(), name="languages"),
    path("watch/services", WatchServiceListApi.as_view(), name="watch-services"),
]
