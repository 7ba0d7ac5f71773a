from django.urls import path

from .views import PresenceView, RestoreRevisionView, RevisionDiffView, RevisionHistoryView


def revision_urls(model, prefix="<int:pk>/"):
    """History, diff and restore routes for a versioned model, to splice into an app's urlpatterns.

    Names: `history`, `revision_diff`, `revision_restore`, `presence` (inside the including app's namespace).
    """
    return [
        path(f"{prefix}history/", RevisionHistoryView.as_view(model=model), name="history"),
        path(f"{prefix}history/<int:number>/", RevisionDiffView.as_view(model=model), name="revision_diff"),
        path(
            f"{prefix}history/<int:number>/restore/",
            RestoreRevisionView.as_view(model=model),
            name="revision_restore",
        ),
        path(f"{prefix}presence/", PresenceView.as_view(model=model), name="presence"),
    ]
