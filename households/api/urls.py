from django.urls import path

from catalog.models import MediaType
from households.api.views import (
    HouseholdDetailApi,
    HouseholdDiscoverApi,
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
    *(
        path(
            f"groups/<int:household_id>/{prefix}/search-by-filters",
            HouseholdDiscoverApi.as_view(media_type=media_type),
            name=f"group-{prefix}-search-by-filters",
        )
        for prefix, media_type in (("movies", MediaType.MOVIE), ("tvshows", MediaType.TV))
    ),
]
