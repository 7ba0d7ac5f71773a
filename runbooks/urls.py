app_name = "runbooks"

urlpatterns = []
