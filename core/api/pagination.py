"""The page parameters of the API's paginated routes; the page itself is core.pagination's."""

from rest_framework import serializers

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


class PageInputSerializer(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, max_value=10_000, default=1)
    page_size = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE)
