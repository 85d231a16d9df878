from django.urls import path

from households.api.views import (
    HouseholdDetailApi,
    HouseholdInviteApi,
    HouseholdJoinApi,
    HouseholdLeaveApi,
    HouseholdListApi,
    HouseholdMemberApi,
    HouseholdPicksApi,
)

urlpatterns = [
    path("groups", HouseholdListApi.as_view(), name="groups"),
    path("groups/join", HouseholdJoinApi.as_view(), name="groups-join"),
    path("groups/<int:household_id>", HouseholdDetailApi.as_view(), name="group"),
    path("groups/<int:household_id>/leave", HouseholdLeaveApi.as_view(), name="group-leave"),
    path("groups/<int:household_id>/invite", HouseholdInviteApi.as_view(), name="group-invite"),
    path(
        "groups/<int:household_id>/members/<int:user_id>", HouseholdMemberApi.as_view(), name="group-member"
    ),
    path(
        "groups/<int:household_id>/recommendations", HouseholdPicksApi.as_view(), name="group-recommendations"
    ),
]
