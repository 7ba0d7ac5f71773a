"""Each person's API tokens: create one (its secret shown on this one response, never again), revoke one."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .forms import NewTokenForm
from .models import ApiToken


def _person(request: HttpRequest) -> User:
    """The signed-in person (LoginRequiredMiddleware lets nobody else reach this page)."""
    return cast(User, request.user)


def _page(request: HttpRequest, form: NewTokenForm, secret: str = "", status: int = 200) -> HttpResponse:
    assert request.user.is_authenticated  # LoginRequiredMiddleware lets only signed-in people in
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": ApiToken.objects.filter(user=_person(request)), "secret": secret},
        status=status,
    )


def token_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = NewTokenForm(request.POST)
        if not form.is_valid():
            return _page(request, form, status=400)
        token, secret = ApiToken.issue(user=_person(request), name=form.cleaned_data["name"])
        response = _page(request, NewTokenForm(), secret=secret, status=201)
        response["Cache-Control"] = "no-store"  # the secret must not stay in any cache
        return response
    return _page(request, NewTokenForm())


@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=_person(request))
    token.revoke()
    messages.success(request, f"Token “{token.name}” revoked: requests using it are refused from now on.")
    return redirect("api_tokens:list")
