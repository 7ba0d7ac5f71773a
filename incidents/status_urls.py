"""The public status page (no login)."""

app_name = "status"

urlpatterns = []
