"""Version 1 of the JSON API. Reads use the apps' querysets and the pages' filters; every write validates its
input here and then calls the app's service function, the same one the pages call."""

from django.core.exceptions import ValidationError as ModelValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from incidents import services as incident_services
from incidents.communication import draftable_kinds
from incidents.models import Category, Incident, Service, StatusUpdate, TimelineEntry
from postmortems import services as postmortem_services
from postmortems.models import ActionItem, Postmortem
from runbooks.models import Runbook

from . import serializers as s
from .filters import ActionItemApiFilter, IncidentApiFilter, PostmortemApiFilter, RunbookApiFilter

READ = {"list": "view", "retrieve": "view"}


def permissions(model, **writes):
    """action → permission: viewing for the reads, the named permission for each write action."""
    label = model._meta.app_label
    name = model._meta.model_name
    return {action_name: f"{label}.{verb}_{name}" for action_name, verb in READ.items()} | writes


class ApiViewSet(viewsets.GenericViewSet):
    """Authenticated by token or session (DRF marks its views login_not_required: no login-page redirect)."""

    action_permissions: dict[str, str] = {}
    lookup_value_converter = "int"


def model_errors(error: ModelValidationError) -> ValidationError:
    """A model's validation error as the API's: JSON naming each field."""
    return ValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})


# --- Services and categories ----------------------------------------------------------------------------------
class ServiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Services, with their owning team, tier and the aliases alerts use for them."""

    queryset = Service.objects.prefetch_related("aliases")
    serializer_class = s.ServiceSerializer
    action_permissions = permissions(Service)
    cursor_ordering = "name"


class CategoryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    queryset = Category.objects.all()
    serializer_class = s.CategorySerializer
    action_permissions = permissions(Category)
    cursor_ordering = "name"


# --- Incidents --------------------------------------------------------------------------------------------------
class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Incidents, filtered as on the incident list page; declare one, change its status, add to its timeline and
    post status updates."""

    filterset_class = IncidentApiFilter
    action_permissions = permissions(
        Incident,
        create="incidents.add_incident",
        change_status="incidents.change_incident",
        add_timeline_entry="incidents.add_timelineentry",
        post_status_update="incidents.add_statusupdate",
    )
    cursor_ordering = ("-started_at", "-id")

    def get_queryset(self):
        incidents = Incident.objects.for_list().visible_to(self.request.user)
        if self.action == "retrieve":
            incidents = incidents.select_related("tech_lead", "comms_lead", "scribe").prefetch_related(
                Prefetch("timeline", queryset=TimelineEntry.objects.select_related("author")),
                Prefetch("status_updates", queryset=StatusUpdate.objects.select_related("author")),
            )
        return incidents

    def get_serializer_class(self):
        return s.IncidentDetailSerializer if self.action == "retrieve" else s.IncidentSerializer

    def _incident(self):
        """A restricted incident the caller may not see answers 404, as if it did not exist."""
        return get_object_or_404(Incident.objects.visible_to(self.request.user), pk=self.kwargs["pk"])

    def _detail(self, incident, status_code=status.HTTP_200_OK):
        incident = Incident.objects.for_list().get(pk=incident.pk)
        return Response(
            s.IncidentSerializer(incident, context=self.get_serializer_context()).data, status_code
        )

    @extend_schema(request=s.DeclareIncidentSerializer, responses={201: s.IncidentSerializer})
    def create(self, request):
        """Declare an incident now; you become its incident commander."""
        data = self._valid(s.DeclareIncidentSerializer, request.data)
        try:
            incident = incident_services.declare_incident(by=request.user, **data)
        except ModelValidationError as error:
            raise model_errors(error)
        return self._detail(incident, status.HTTP_201_CREATED)

    @extend_schema(request=s.StatusChangeSerializer, responses=s.IncidentSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        """Move the incident to a new status; the timestamps it implies are filled and the timeline says so."""
        incident = self._incident()
        data = self._valid(s.StatusChangeSerializer, request.data)
        try:
            incident_services.change_status(incident=incident, by=request.user, **data)
        except ModelValidationError as error:
            raise model_errors(error)
        return self._detail(incident)

    @extend_schema(request=s.NewTimelineEntrySerializer, responses={201: s.TimelineEntrySerializer})
    @action(detail=True, methods=["post"], url_path="timeline")
    def add_timeline_entry(self, request, pk=None):
        incident = self._incident()
        data = self._valid(s.NewTimelineEntrySerializer, request.data, incident=incident)
        try:
            entry = incident_services.add_timeline_entry(incident=incident, by=request.user, **data)
        except ModelValidationError as error:
            raise model_errors(error)
        return Response(s.TimelineEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.NewStatusUpdateSerializer, responses={201: s.StatusUpdateSerializer})
    @action(detail=True, methods=["post"], url_path="status-updates")
    def post_status_update(self, request, pk=None):
        """Post an Initial, Update or Resolution notice (public ones appear on the status page)."""
        incident = self._incident()
        kinds = draftable_kinds(incident, incident.status_updates.first())
        data = self._valid(s.NewStatusUpdateSerializer, request.data, allowed_kinds=kinds)
        try:
            update = incident_services.post_status_update(incident=incident, by=request.user, **data)
        except ModelValidationError as error:
            raise model_errors(error)
        return Response(s.StatusUpdateSerializer(update).data, status=status.HTTP_201_CREATED)

    def _valid(self, serializer_class, data, **context):
        serializer = serializer_class(data=data, context={**self.get_serializer_context(), **context})
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


# --- Action items -----------------------------------------------------------------------------------------------
class ActionItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Action items, filtered as on the review page (owner=none for the unowned; section=overdue …)."""

    serializer_class = s.ActionItemSerializer
    filterset_class = ActionItemApiFilter
    action_permissions = permissions(
        ActionItem,
        create="postmortems.add_actionitem",
        assign="postmortems.change_actionitem",
        change_status="postmortems.change_actionitem",
    )

    def get_queryset(self):
        return ActionItem.objects.for_review().visible_to(self.request.user)

    def _item(self, pk):
        """An item of a restricted incident the caller may not see answers 404, as if it did not exist."""
        return get_object_or_404(ActionItem.objects.visible_to(self.request.user), pk=pk)

    def _respond(self, item, status_code=status.HTTP_200_OK):
        item = ActionItem.objects.for_review().get(pk=item.pk)
        return Response(self.get_serializer(item).data, status=status_code)

    def _valid(self, serializer_class, data):
        serializer = serializer_class(data=data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=s.NewActionItemSerializer, responses={201: s.ActionItemSerializer})
    def create(self, request):
        data = self._valid(s.NewActionItemSerializer, request.data)
        try:
            item = postmortem_services.create_action_item(by=request.user, **data)
        except ModelValidationError as error:
            raise model_errors(error)
        return self._respond(item, status.HTTP_201_CREATED)

    @extend_schema(request=s.AssignSerializer, responses=s.ActionItemSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Give the item an owner (a username), or none."""
        item = self._item(pk)
        data = self._valid(s.AssignSerializer, request.data)
        try:
            postmortem_services.assign_action_item(item=item, owner=data["owner"], by=request.user)
        except ModelValidationError as error:
            raise model_errors(error)
        return self._respond(item)

    @extend_schema(request=s.ActionItemStatusSerializer, responses=s.ActionItemSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        """Open, in progress, done, or won't do (with the reason)."""
        item = self._item(pk)
        data = self._valid(s.ActionItemStatusSerializer, request.data)
        try:
            postmortem_services.change_action_item_status(
                item=item, by=request.user, status=data["status"], reason=data["wont_do_reason"]
            )
        except ModelValidationError as error:
            raise model_errors(error)
        return self._respond(item)


# --- Postmortems and runbooks (read and search) ------------------------------------------------------------------
class PostmortemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Postmortems; `q` searches them as the search page does."""

    filterset_class = PostmortemApiFilter
    action_permissions = permissions(Postmortem)
    cursor_ordering = ("-created_at", "-id")

    def get_queryset(self):
        postmortems = Postmortem.objects.visible_to(self.request.user).select_related("incident")
        if self.action == "retrieve":
            return postmortems.prefetch_related("authors", "reviewers")
        return postmortems.defer("body", "rendered_body")

    def get_serializer_class(self):
        return s.PostmortemDetailSerializer if self.action == "retrieve" else s.PostmortemSerializer


class RunbookViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Runbooks, by slug; `q` searches them as the search page does."""

    filterset_class = RunbookApiFilter
    action_permissions = permissions(Runbook)
    lookup_field = "slug"
    lookup_value_converter = "slug"
    cursor_ordering = ("title", "id")

    def get_queryset(self):
        runbooks = Runbook.objects.prefetch_related("services", "tags")
        return runbooks if self.action == "retrieve" else runbooks.defer("body", "rendered_body")

    def get_serializer_class(self):
        return s.RunbookDetailSerializer if self.action == "retrieve" else s.RunbookSerializer
