"""xinyong.settings with persistent database connections, to measure what they bring.

`python -m bench --only checks --settings bench.persistent_db`: the default settings
close the database connection after every request (Django's CONN_MAX_AGE = 0), so each
API request opens one again (PostgreSQL: a new server process; SQLite: the file, its
pragmas and Django's SQL functions).
"""

from xinyong.settings import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = 300  # noqa: F405
