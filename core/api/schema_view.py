"""The OpenAPI document's route, `/api/schema/`."""

from drf_spectacular.renderers import OpenApiJsonRenderer2, OpenApiYamlRenderer
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

from core.api.caching import CachePolicy


class SchemaApi(SpectacularAPIView):
    """The OpenAPI document: YAML, or JSON with `?format=json` (or an `Accept` header asking for JSON).

    DRF's `?format=` override is off for the whole API (a format is a route of its own there), so this view
    reads the parameter itself. The document is the same for everybody: public, cacheable.
    """

    authentication_classes = ()  # public: the same document for everybody, whatever the token
    permission_classes = ()
    cache_policy = CachePolicy.PUBLIC
    RENDERER_FOR_FORMAT = {"json": OpenApiJsonRenderer2, "yaml": OpenApiYamlRenderer}

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[BaseRenderer, str]:
        wanted = request.query_params.get("format")
        if wanted is None or force:  # force: the renderer of an error answer (a 406 among them)
            return super().perform_content_negotiation(request, force)
        if wanted not in self.RENDERER_FOR_FORMAT:
            raise exceptions.NotAcceptable()
        renderer = self.RENDERER_FOR_FORMAT[wanted]()
        return renderer, renderer.media_type
