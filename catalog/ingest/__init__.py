"""Everything that fills the catalog: provider clients, the embedded load, IMDb's datasets, enrichment from
TMDB and OMDb, live top-ups, genres, data sources and the similar-title tables.

The rest of the project reads the catalog through `catalog.selectors` and `catalog.search`; only these
modules (and the admin's actions, through them) write titles.
"""
