from django.urls import path

from catalog.api.views import GenreListApi, LanguageListApi

urlpatterns = [
    path("genres", GenreListApi.as_view(), name="genres"),
    path("languages", LanguageListApi.as_view(), name="languages"),
]
