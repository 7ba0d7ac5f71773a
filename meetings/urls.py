from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.history, name="history"),
    path("teams/<str:team>/", views.team_history, name="team"),
    path("start/", views.start, name="start"),
    path("action-items/<int:item_pk>/", views.item_history, name="item_history"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/jump/", views.jump, name="jump"),
    path("<int:pk>/notes/", views.notes, name="notes"),
    path("<int:pk>/end/", views.end, name="end"),
    path("<int:pk>/items/<int:position>/", views.step, name="step"),
    path("<int:pk>/items/<int:position>/decide/", views.decide, name="decide"),
    path("<int:pk>/items/<int:position>/time/", views.record_time, name="time"),
]
