from django.urls import path

from integrations.api.trakt import TraktConnectionApi

urlpatterns = [
    path("me/integrations/trakt", TraktConnectionApi.as_view(), name="me-integrations-trakt"),
]
