from django.urls import path

from recommendations.api.views import NotForMeApi, RecommendationListApi, RecommenderSettingsApi

urlpatterns = [
    path("me/recommendations", RecommendationListApi.as_view(), name="me-recommendations"),
    path("me/recommendations/settings", RecommenderSettingsApi.as_view(), name="me-recommendations-settings"),
    path("me/recommendations/not-for-me", NotForMeApi.as_view(), name="me-recommendations-not-for-me"),
]
