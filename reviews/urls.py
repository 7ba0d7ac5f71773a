from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("<int:pk>/comments/", views.add_comment, name="add_comment"),
    path("comments/<int:comment_pk>/edit/", views.edit_comment, name="edit_comment"),
    path("comments/<int:comment_pk>/resolve/", views.resolve_thread, name="resolve_thread"),
    path("<int:pk>/verdict/", views.give_verdict, name="verdict"),
    path("<int:pk>/public-summary/", views.edit_public_summary, name="public_summary"),
]
