"""The streaming services people name, by brand key (`catalog.offers.brand_of` of TMDB's provider name), with
the name to show. Plain data, so the assistant's offline interpreter can read it without Django."""

BRAND_NAMES: dict[str, str] = {
    "netflix": "Netflix",
    "disneyplus": "Disney+",
    "amazonprimevideo": "Prime Video",
    "primevideo": "Prime Video",
    "appletvplus": "Apple TV+",
    "appletv": "Apple TV",
    "canal": "Canal+",
    "canalplus": "Canal+",
    "max": "Max",
    "hbomax": "HBO Max",
    "paramountplus": "Paramount+",
    "hulu": "Hulu",
    "mubi": "MUBI",
    "crunchyroll": "Crunchyroll",
    "arte": "Arte",
    "francetv": "france.tv",
}


def brand_name(brand: str) -> str:
    """The service's name as people write it; an unknown brand key as it is."""
    return BRAND_NAMES.get(brand, brand)
