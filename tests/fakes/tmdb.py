"""A fake TMDB v3 server answering in TMDB's wire format (shapes as recorded from the real API)."""

from tests.fakes.http import FakeHttpServer, RecordedRequest, Reply

# TMDB's genre lists (ids and names as TMDB publishes them). The fr-FR TV list really does leave several
# names in English ("Kids", "War & Politics"…).
MOVIE_GENRES = {
    "en": [
        (28, "Action"),
        (12, "Adventure"),
        (16, "Animation"),
        (35, "Comedy"),
        (80, "Crime"),
        (99, "Documentary"),
        (18, "Drama"),
        (10751, "Family"),
        (14, "Fantasy"),
        (36, "History"),
        (27, "Horror"),
        (10402, "Music"),
        (9648, "Mystery"),
        (10749, "Romance"),
        (878, "Science Fiction"),
        (10770, "TV Movie"),
        (53, "Thriller"),
        (10752, "War"),
        (37, "Western"),
    ],
    "fr-FR": [
        (28, "Action"),
        (12, "Aventure"),
        (16, "Animation"),
        (35, "Comédie"),
        (80, "Crime"),
        (99, "Documentaire"),
        (18, "Drame"),
        (10751, "Familial"),
        (14, "Fantastique"),
        (36, "Histoire"),
        (27, "Horreur"),
        (10402, "Musique"),
        (9648, "Mystère"),
        (10749, "Romance"),
        (878, "Science-Fiction"),
        (10770, "Téléfilm"),
        (53, "Thriller"),
        (10752, "Guerre"),
        (37, "Western"),
    ],
}
TV_GENRES = {
    "en": [
        (10759, "Action & Adventure"),
        (16, "Animation"),
        (35, "Comedy"),
        (80, "Crime"),
        (99, "Documentary"),
        (18, "Drama"),
        (10751, "Family"),
        (10762, "Kids"),
        (9648, "Mystery"),
        (10763, "News"),
        (10764, "Reality"),
        (10765, "Sci-Fi & Fantasy"),
        (10766, "Soap"),
        (10767, "Talk"),
        (10768, "War & Politics"),
        (37, "Western"),
    ],
    "fr-FR": [
        (10759, "Action & Adventure"),
        (16, "Animation"),
        (35, "Comédie"),
        (80, "Crime"),
        (99, "Documentaire"),
        (18, "Drame"),
        (10751, "Familial"),
        (10762, "Kids"),
        (9648, "Mystère"),
        (10763, "News"),
        (10764, "Reality"),
        (10765, "Science-Fiction & Fantastique"),
        (10766, "Soap"),
        (10767, "Talk"),
        (10768, "War & Politics"),
        (37, "Western"),
    ],
}
INVALID_KEY = {
    "status_code": 7,
    "status_message": "Invalid API key: You must be granted a valid key.",
    "success": False,
}


class FakeTmdb(FakeHttpServer):
    def __init__(self, *, api_key: str = "", read_token: str = "") -> None:
        super().__init__()
        self.api_key = api_key
        self.read_token = read_token
        self.route("/3/genre/movie/list", lambda r: self._genres(r, MOVIE_GENRES))
        self.route("/3/genre/tv/list", lambda r: self._genres(r, TV_GENRES))

    @property
    def base_url(self) -> str:
        return f"{self.url}/3"

    def _authorized(self, request: RecordedRequest) -> bool:
        if self.read_token and request.headers.get("authorization") == f"Bearer {self.read_token}":
            return True
        return bool(self.api_key) and request.query.get("api_key") == [self.api_key]

    def _genres(self, request: RecordedRequest, lists: dict[str, list[tuple[int, str]]]) -> Reply:
        if not self._authorized(request):
            return Reply(401, INVALID_KEY)
        language = (request.query.get("language") or ["en-US"])[0]
        names = lists["fr-FR"] if language.startswith("fr") else lists["en"]
        return Reply(200, {"genres": [{"id": i, "name": n} for i, n in names]})
