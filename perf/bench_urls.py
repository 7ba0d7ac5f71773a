"""The site's URLs plus the benchmark's reference views; used only when HINDSIGHT_BENCH=1 (or inside `bench`)."""

from django.urls import path

from config.urls import handler500  # noqa: F401 - handler500 is looked up here
from config.urls import urlpatterns as site_urlpatterns

from .views import floor_list, hello

BENCH_HELLO_PATH = "bench/hello/"
BENCH_FLOOR_PATH = "bench/floor/"

urlpatterns = [
    path(BENCH_HELLO_PATH, hello, name="bench_hello"),
    path(BENCH_FLOOR_PATH, floor_list, name="bench_floor"),
    *site_urlpatterns,
]
