"""Page routes. Included last in the project's URLconf, and none of them shares a path with the API."""

from django.urls import path

from core.middleware import accepts_upload
from web import alerts, for_you, groups, hidden, integrations, trakt, views, watching
from web.decorators import private

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("discover/", views.discover, name="discover"),
    path("search/", views.search, name="search"),
    path("title/<int:title_id>/", views.title_detail, name="title"),
    path("title/<int:title_id>/mark/", views.title_mark, name="mark"),
    path("person/<int:person_id>/", views.person, name="person"),
    path("title/<int:title_id>/undo/", views.title_undo, name="undo"),
    path("title/<int:title_id>/watched/", views.title_watched, name="watched"),
    path("for-you/", for_you.for_you, name="for_you"),
    path("for-you/setting/", for_you.for_you_dial, name="for_you_dial"),
    path("for-you/not-for-me/<int:title_id>/", for_you.for_you_not_for_me, name="for_you_not_for_me"),
    path("for-you/hide/", for_you.for_you_hide, name="for_you_hide"),
    path("together/", groups.groups, name="groups"),
    path("together/<int:household_id>/", groups.group, name="group"),
    path("together/join/<str:code>/", groups.group_invitation, name="group_invitation"),
    path("lists/<slug:status>/", views.lists, name="lists"),
    path("hidden/", hidden.hidden, name="hidden"),
    path("stats/", views.stats, name="stats"),
    path("assistant/", views.assistant, name="assistant"),
    path("import/", accepts_upload(views.import_history), name="import"),
    path("import/<int:job_id>/", views.import_report, name="import_report"),
    path("export/<slug:export_format>/", views.export, name="export"),
    path("integrations/", integrations.integrations, name="integrations"),
    path(
        "integrations/<int:endpoint_id>/revoke/", integrations.integration_revoke, name="integration_revoke"
    ),
    path("integrations/trakt/connect/", trakt.trakt_connect_page, name="trakt_connect"),
    path("integrations/trakt/disconnect/", trakt.trakt_disconnect_page, name="trakt_disconnect"),
    path("account/services/", watching.services, name="services"),
    path("alerts/", alerts.alerts, name="alerts"),
    path("alerts/save/", alerts.alerts_save, name="alerts_save"),
    path("alerts/save-chat/", alerts.alerts_save_chat, name="alerts_save_chat"),
    path("alerts/unsubscribe/<str:token>/", alerts.alerts_unsubscribe, name="alerts_unsubscribe"),
    path("about/", views.about, name="about"),
    path("account/signup/", private(views.signup), name="signup"),
    path("account/login/", private(views.login_page), name="login"),
    path("account/logout/", private(views.logout_page), name="logout"),
    path("language/", views.set_language, name="language"),
]
