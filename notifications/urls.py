from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<int:pk>/", views.notification_detail, name="detail"),
    path("preferences/", views.preferences, name="preferences"),
    path("preferences/calendar/revoke/", views.revoke_calendar, name="revoke_calendar"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("calendar/<str:feed_token>.ics", views.person_calendar, name="person_calendar"),
    path("calendar/team/<str:team_token>.ics", views.team_calendar, name="team_calendar"),
    path("teams/", views.team_list, name="teams"),
    path("teams/<str:team>/", views.team_settings, name="team"),
    path("teams/<str:team>/channels/", views.add_channel, name="add_channel"),
    path("teams/<str:team>/channels/<int:channel_pk>/remove/", views.remove_channel, name="remove_channel"),
    path("teams/<str:team>/calendar/revoke/", views.revoke_team_calendar, name="revoke_team_calendar"),
    path("postmortems/<int:postmortem_pk>/review-meeting/", views.review_meeting, name="review_meeting"),
]
