from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.selectors import health_check


class HealthApi(APIView):
    """Liveness for load balancers: 200, or 503 when the database is down."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()  # load balancers and orchestrators poll it from a few addresses

    @extend_schema(
        responses={
            200: inline_serializer(
                "Health", {"database": serializers.CharField(), "broker": serializers.CharField()}
            ),
            503: inline_serializer(
                "HealthDown", {"database": serializers.CharField(), "broker": serializers.CharField()}
            ),
        }
    )
    def get(self, request: Request) -> Response:
        health = health_check()
        return Response(
            {"database": health.database, "broker": health.broker},
            status=status.HTTP_200_OK if health.is_healthy else status.HTTP_503_SERVICE_UNAVAILABLE,
        )
