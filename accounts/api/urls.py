from django.urls import path

from accounts.api.views import LoginApi, LogoutApi, RefreshApi, SignupApi, UserMeApi

urlpatterns = [
    path("auth/signup", SignupApi.as_view(), name="auth-signup"),
    path("auth/login", LoginApi.as_view(), name="auth-login"),
    path("auth/refresh", RefreshApi.as_view(), name="auth-refresh"),
    path("auth/logout", LogoutApi.as_view(), name="auth-logout"),
    path("users/me", UserMeApi.as_view(), name="users-me"),
]
