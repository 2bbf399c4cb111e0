"""What production answers, and what only the benchmarks do."""

import pytest


@pytest.mark.parametrize("path", ["/bench/trivial", "/bench/trivial-page", "/bench/admin/"])
def test_benchmark_views_are_not_in_the_production_urlconf(client, path, db):
    assert client.get(path).status_code == 404
