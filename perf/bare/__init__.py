"""A bare Django project beside Hindsight, for the benchmark's floors: what Django itself costs for a "hello" and
for a 50-row list of the same `incidents_incident` table, with no middleware, no sessions and no extras.

Served by its own gunicorn (`perf.bare.wsgi`) on another loopback port while `make bench` runs; never part of
the site.
"""

# Here rather than in urls.py, so the bench can name them without loading the bare project's model.
BARE_HELLO_PATH = "bare/hello/"
BARE_FLOOR_PATH = "bare/floor/"
