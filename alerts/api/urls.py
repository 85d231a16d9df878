from django.urls import path

from alerts.api.views import AlertListApi, SavedSearchDetailApi, SavedSearchListApi, ServiceArrivalListApi

urlpatterns = [
    path("me/saved-searches", SavedSearchListApi.as_view(), name="me-saved-searches"),
    path("me/saved-searches/<int:search_id>", SavedSearchDetailApi.as_view(), name="me-saved-search"),
    path("me/alerts", AlertListApi.as_view(), name="me-alerts"),
    path("me/alerts/arrivals", ServiceArrivalListApi.as_view(), name="me-alerts-arrivals"),
]
