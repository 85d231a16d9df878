"""What the catalog tells the apps above it, which it never imports (they listen in their `ready()`)."""

from django.dispatch import Signal

# Sent by the embedded load with `ratings`, the MovieLens (user, movieId, stars) ratings it has read. Each
# receiver returns how many ratings it stored, or 0 when it already held the same ones.
community_ratings_read = Signal()
