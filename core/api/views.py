from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.caching import CachePolicy
from core.api.exceptions import RETRY_AFTER_SECONDS_WHEN_DOWN, ProblemResponse
from core.api.problems import PROBLEM_MEDIA_TYPE, ProblemCode, problem
from core.api.serializers import HealthOutputSerializer
from core.selectors import health_check

BEARER_CHALLENGE = 'Bearer realm="api"'  # simplejwt's, for the 401s of routes that read no token


class PublicApi(APIView):
    """A route for anyone that reads no token: a stale Authorization header never gets in the way.

    No authentication classes and no permission classes (rather than AllowAny): drf-spectacular derives an
    operation's security from these, and a public operation declares none.
    """

    authentication_classes = ()
    permission_classes = ()

    def get_authenticate_header(self, request: Request) -> str:
        return BEARER_CHALLENGE  # so that a 401 (a failed login) stays 401: DRF makes it 403 without one


class HealthApi(PublicApi):
    """Liveness for load balancers: 200, or 503 when the database is down."""

    throttle_classes = ()  # load balancers and orchestrators poll it from a few addresses
    cache_policy = CachePolicy.NO_STORE  # always the state of now

    @extend_schema(
        responses={
            200: HealthOutputSerializer,
            (503, PROBLEM_MEDIA_TYPE): OpenApiResponse(
                {  # a problem, with the same report as extension members
                    "allOf": [
                        {"$ref": "#/components/schemas/Problem"},
                        {
                            "type": "object",
                            "properties": {
                                "database": {"$ref": "#/components/schemas/DatabaseEnum"},
                                "broker": {"$ref": "#/components/schemas/BrokerEnum"},
                            },
                            "required": ["database", "broker"],
                        },
                    ]
                },
                description="`service_unavailable`: the database is down; the report is in the problem.",
            ),
        }
    )
    def get(self, request: Request) -> Response:
        """Check that the service is up.

        For load balancers and monitors: anyone may call it, as often as needed (no rate limit), and it is
        never cached. 200 when the database answers; 503 (`service_unavailable`, with `Retry-After`) when it
        does not, with the same report in the problem.
        """
        health = health_check()
        report = {"database": health.database, "broker": health.broker}
        if health.is_healthy:
            return Response(report)
        down = problem(
            status=503, detail=_("The database is unavailable."), code=ProblemCode.SERVICE_UNAVAILABLE
        )
        return ProblemResponse(
            {**down, **report},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS_WHEN_DOWN)},
        )
