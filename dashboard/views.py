from django.shortcuts import render
from django.utils import timezone

from reviews.selectors import waiting_for_review

from .attention import attention_blocks, list_url, open_incidents, recurring_categories_this_quarter

HOME_REVIEW_LIMIT = 10


def home(request):
    now = timezone.now()
    open_count, blocks = attention_blocks(now, request.user)
    quarter_start, recurring = recurring_categories_this_quarter(timezone.localdate(now), request.user)
    for category in recurring:
        category.list_url = list_url(
            "incidents:list", category=category.pk, started_min=quarter_start.isoformat(), kind="real"
        )
    return render(
        request,
        "dashboard/home.html",
        {
            "open_count": open_count,
            "open_incidents": open_incidents(now, request.user),
            "open_url": list_url("incidents:list", status="open", kind="real"),
            "blocks": blocks,
            "recurring": recurring,
            "quarter_start": quarter_start,
            "waiting_for_review": waiting_for_review(viewer=request.user, limit=HOME_REVIEW_LIMIT),
        },
    )
