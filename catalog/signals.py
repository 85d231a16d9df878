"""What the catalog tells the apps above it, which it never imports (they listen in their `ready()`)."""

from django.dispatch import Signal

# Sent by the embedded load with `ratings`, the MovieLens (user, movieId, stars) ratings it has read. Each
# receiver returns how many ratings it stored, or 0 when it already held the same ones.
community_ratings_read = Signal()

# Sent after writes that bypass Title.save() (titles hidden or shown in bulk, duplicates merged), with
# `pks`, the titles concerned: what keeps a copy of titles (the feed's cache) forgets it.
titles_changed = Signal()

# Sent inside the merge's transaction with `keep` and `duplicate` (Title rows) before the duplicate is
# deleted: each app moves its rows that point at the duplicate onto the title kept.
title_merging = Signal()
