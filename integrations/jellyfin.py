"""The template Jellyfin's Webhook plugin fills for us (a "Generic" destination), as the page and README show.

Handlebars writes the plugin's values; each is quoted, so an empty one (a movie's SeriesName) is still JSON,
and `{{...}}` escapes quotes in titles as HTML entities, which the reader turns back.
"""

JELLYFIN_TEMPLATE = """{
  "NotificationType": "{{NotificationType}}",
  "ItemType": "{{ItemType}}",
  "Name": "{{Name}}",
  "SeriesName": "{{SeriesName}}",
  "SeasonNumber": "{{SeasonNumber}}",
  "EpisodeNumber": "{{EpisodeNumber}}",
  "Year": "{{Year}}",
  "Provider_imdb": "{{Provider_imdb}}",
  "Provider_tmdb": "{{Provider_tmdb}}",
  "PlayedToCompletion": "{{PlayedToCompletion}}",
  "Played": "{{Played}}",
  "NotificationUsername": "{{NotificationUsername}}",
  "UtcTimestamp": "{{UtcTimestamp}}"
}"""

# What to tick in the plugin's destination form besides the template.
JELLYFIN_NOTIFICATION_TYPES = ("Playback Stop", "User Data Saved")
JELLYFIN_ITEM_TYPES = ("Movies", "Episodes")
