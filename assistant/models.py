"""Models arrive with their issue; the app exists from the start so migrations stay in order."""
