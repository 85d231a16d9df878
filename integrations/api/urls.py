from django.urls import path

from integrations.api.views import EndpointDetailApi, EndpointListApi, EventListApi, WebhookReceiveApi

urlpatterns = [
    path("me/integrations", EndpointListApi.as_view(), name="me-integrations"),
    path("me/integrations/events", EventListApi.as_view(), name="me-integrations-events"),
    path("me/integrations/<int:endpoint_id>", EndpointDetailApi.as_view(), name="me-integrations-detail"),
    path("webhooks/<token>", WebhookReceiveApi.as_view(), name="webhook-receive"),
]
