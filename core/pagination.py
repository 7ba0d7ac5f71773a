"""Pagination for lists that grow large: count only up to a cap.

`COUNT(*)` over 100,000 incidents costs more than the rest of the page; nobody pages past the 400th page
(they filter instead), so the list counts at most `cap` rows and says "10,000+".
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class BoundedCountPaginator(Paginator):
    cap = 10_000

    @cached_property
    def count(self) -> int:
        counted: int = self.object_list[: self.cap + 1].count()  # type: ignore[attr-defined]
        self.capped = counted > self.cap
        return min(counted, self.cap)

    capped = False
