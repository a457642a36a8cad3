from tests.browser import chromium, page  # noqa: F401  (fixtures)
