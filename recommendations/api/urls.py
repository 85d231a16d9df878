from django.urls import path

from recommendations.api.views import RecommendationListApi

urlpatterns = [
    path("me/recommendations", RecommendationListApi.as_view(), name="me-recommendations"),
]
