from rest_framework.pagination import PageNumberPagination


class PublicPagination(PageNumberPagination):
    """25 records a page, like the registry; ``page_size`` up to 100."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
