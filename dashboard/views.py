from django.shortcuts import render
from django.utils import timezone

from . import live
from .attention import home_page


def home(request):
    now = timezone.now()
    page = home_page(now, request.user)
    return render(request, "dashboard/home.html", {**page, "attention": live.fill(page["attention"], now)})
