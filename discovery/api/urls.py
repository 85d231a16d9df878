from django.urls import path

from catalog.models import MediaType
from discovery.api.views import TitleDetailApi, TitleDiscoverApi, TitleSearchApi, TitleSimilarApi

urlpatterns = []
for prefix, media_type in (("movies", MediaType.MOVIE), ("tvshows", MediaType.TV)):
    urlpatterns += [
        path(
            f"{prefix}/search-by-filters",
            TitleDiscoverApi.as_view(media_type=media_type),
            name=f"{prefix}-search-by-filters",
        ),
        path(
            f"{prefix}/search-by-keywords",
            TitleSearchApi.as_view(media_type=media_type),
            name=f"{prefix}-search-by-keywords",
        ),
        path(
            f"{prefix}/<int:title_id>", TitleDetailApi.as_view(media_type=media_type), name=f"{prefix}-detail"
        ),
        path(
            f"{prefix}/<int:title_id>/similar",
            TitleSimilarApi.as_view(media_type=media_type),
            name=f"{prefix}-similar",
        ),
    ]
