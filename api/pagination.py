from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    """Cursor pages: stable while rows are added, and as cheap on the last page as on the first."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-id"

    def get_ordering(self, request, queryset, view):
        """The view's `cursor_ordering` (its first field positions the cursor; the rest break ties)."""
        ordering = getattr(view, "cursor_ordering", self.ordering)
        return (ordering,) if isinstance(ordering, str) else tuple(ordering)
