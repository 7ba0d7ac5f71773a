from django.urls import path

from . import BARE_FLOOR_PATH, BARE_HELLO_PATH
from .views import floor, hello

urlpatterns = [
    path(BARE_HELLO_PATH, hello, name="bare_hello"),
    path(BARE_FLOOR_PATH, floor, name="bare_floor"),
]
