"""The public open-data API (开放数据接口), read-only, under ``/api/v1/``: the registry of filed
alliances, the revocation notices and the published subsidy awards — exactly what the
public pages show (docs/registry.md), nothing more. See docs/api.md.

Every query starts from the public selectors the pages use (``portal.selectors``,
``subsidies.selectors.published_awards``); the serializers name each field they emit,
and ``tests/portal/api/test_public_fields.py`` checks that every emitted value appears on
the public page of its record.
"""
