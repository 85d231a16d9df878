"""Everything that fills the catalog: provider clients, the embedded load, IMDb's datasets, enrichment from
TMDB and OMDb, live top-ups, genres, data sources and the similar-title tables.

Titles are written from here only (besides staff edits in the admin and the ranking scores of
`catalog.ranking`); everything else reads the catalog.
"""
