"""Services and categories outside the admin: everyone reads them; Editors create, rename, edit aliases and
merge (incidents.catalog does the writing)."""

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from insights.metrics import mtbf_for_service, response_metrics
from postmortems.models import ActionItem
from runbooks.models import Runbook

from . import catalog
from .catalog_forms import CategoryForm, MergeForm, ServiceForm
from .models import OPEN_STATUSES, Category, Incident, Service, visible_q

RECENT_INCIDENTS = 10
OPEN_ACTION_ITEMS = 25


def signed_in(request: HttpRequest) -> User:
    """The person asking: LoginRequiredMiddleware lets nobody else reach these pages."""
    return cast(User, request.user)


# --- Services -------------------------------------------------------------------------------------------------
def service_list(request: HttpRequest) -> HttpResponse:
    # Counts only of incidents the reader may see: a restricted one is not even a number to outsiders.
    visible = visible_q(request.user, "incidents__")
    services = (
        Service.objects.prefetch_related("aliases")
        .annotate(
            incident_count=Count("incidents", filter=visible, distinct=True),
            open_count=Count(
                "incidents", filter=visible & Q(incidents__status__in=OPEN_STATUSES), distinct=True
            ),
        )
        .order_by(Lower("name"), "name")
    )
    page = Paginator(services, settings.HINDSIGHT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "incidents/service_list.html", {"page_obj": page, "services": page.object_list})


def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(Service.objects.prefetch_related("aliases"), pk=pk)
    visible = Incident.objects.visible_to(request.user)
    incidents = visible.filter(services=service)
    overall = response_metrics(incidents.real(), None)
    return render(
        request,
        "incidents/service_detail.html",
        {
            "service": service,
            "incident_count": incidents.count(),
            "recent_incidents": list(incidents.for_list()[:RECENT_INCIDENTS]),
            "runbooks": list(
                Runbook.objects.filter(services=service).only("title", "slug", "last_reviewed_at")
            ),
            "open_action_items": list(
                ActionItem.objects.for_review()
                .visible_to(request.user)
                .open()
                .filter(postmortem__incident__services=service)
                .distinct()[:OPEN_ACTION_ITEMS]
            ),
            "mttr": overall[0].metrics["MTTR"] if overall else None,
            "mtbf": mtbf_for_service(service, visible.real()),
        },
    )


@permission_required("incidents.add_service", raise_exception=True)
def service_create(request: HttpRequest) -> HttpResponse:
    form = ServiceForm(request.POST or None)
    service = request.method == "POST" and form.is_valid() and _save_service(request, form)
    if service:
        messages.success(request, f"Service “{service.name}” added.")
        return redirect(service)
    return _service_form(request, form, None)


@permission_required("incidents.change_service", raise_exception=True)
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(Service, pk=pk)
    form = ServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid() and _save_service(request, form):
        messages.success(request, f"Service “{service.name}” saved.")
        return redirect(service)
    return _service_form(request, form, get_object_or_404(Service, pk=pk))


def _save_service(request: HttpRequest, form: ServiceForm) -> Service | None:
    try:
        return catalog.save_service(service=form.instance, by=signed_in(request), aliases=form.alias_names())
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None


def _service_form(request: HttpRequest, form: ServiceForm, service: Service | None) -> HttpResponse:
    status = 400 if form.is_bound else 200
    return render(request, "incidents/service_form.html", {"form": form, "service": service}, status=status)


@permission_required("incidents.change_service", raise_exception=True)
def service_merge(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Service, pk=pk)
    form = MergeForm(request.POST or None, source=source)
    if request.method == "POST" and form.is_valid():
        into = catalog.merge_services(source=source, into=form.cleaned_data["into"], by=signed_in(request))
        messages.success(
            request, f"“{source.name}” merged into “{into.name}”, and is now one of its aliases."
        )
        return redirect(into)
    return render(
        request,
        "incidents/merge_form.html",
        {
            "form": form,
            "source": source,
            "kind": "service",
            "moves": "its incidents (with their postmortems and action items), its runbooks and its aliases",
            "back_url": source.get_absolute_url(),
        },
        status=400 if form.is_bound else 200,
    )


# --- Categories -------------------------------------------------------------------------------------------------
def category_list(request: HttpRequest) -> HttpResponse:
    categories = Category.objects.annotate(
        incident_count=Count("incidents", filter=visible_q(request.user, "incidents__"))
    ).order_by(Lower("name"), "name")
    page = Paginator(categories, settings.HINDSIGHT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/category_list.html",
        {"page_obj": page, "categories": page.object_list, "form": CategoryForm()},
    )


@permission_required("incidents.add_category", raise_exception=True)
def category_create(request: HttpRequest) -> HttpResponse:
    return _category_form(request, CategoryForm(request.POST or None), None)


@permission_required("incidents.change_category", raise_exception=True)
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    category = get_object_or_404(Category, pk=pk)
    return _category_form(request, CategoryForm(request.POST or None, instance=category), category)


def _category_form(request: HttpRequest, form: CategoryForm, category: Category | None) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        saved = catalog.save_category(category=form.instance, by=signed_in(request))
        messages.success(request, f"Category “{saved.name}” saved.")
        return redirect("categories:list")
    status = 400 if form.is_bound else 200
    return render(
        request, "incidents/category_form.html", {"form": form, "category": category}, status=status
    )


@permission_required("incidents.change_category", raise_exception=True)
def category_merge(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Category, pk=pk)
    form = MergeForm(request.POST or None, source=source)
    if request.method == "POST" and form.is_valid():
        into = catalog.merge_categories(source=source, into=form.cleaned_data["into"], by=signed_in(request))
        messages.success(request, f"“{source.name}” merged into “{into.name}”.")
        return redirect("categories:list")
    return render(
        request,
        "incidents/merge_form.html",
        {
            "form": form,
            "source": source,
            "kind": "category",
            "moves": "its incidents",
            "back_url": source.get_absolute_url(),
        },
        status=400 if form.is_bound else 200,
    )
