"""Machine-to-machine endpoints (token auth, no session)."""

app_name = "api"

urlpatterns = []
