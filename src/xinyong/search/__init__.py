"""Finding credit subjects by name fragment or code, on SQLite and PostgreSQL alike.

`query.search_subjects` is what the portal calls; `index` keeps the n-gram postings in
step with the subjects; `text` says what a name and a query are normalised to.
"""
