from django.urls import path

from assistant.api.views import ChatApi, ChatSessionDetailApi, ChatSessionListApi

urlpatterns = [
    path("chat", ChatApi.as_view(), name="chat"),
    path("chat/sessions", ChatSessionListApi.as_view(), name="chat-sessions"),
    path("chat/sessions/<int:session_id>", ChatSessionDetailApi.as_view(), name="chat-session-detail"),
]
