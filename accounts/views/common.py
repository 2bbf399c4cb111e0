from django.shortcuts import get_object_or_404

from ..selectors import organisation_changes_visible_to, organisations_visible_to

PAGE_SIZE = 25


def get_organisation_for_user(user, pk):
    return get_object_or_404(organisations_visible_to(user), pk=pk)


def get_change_for_user(user, pk):
    return get_object_or_404(organisation_changes_visible_to(user), pk=pk)
