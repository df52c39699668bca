"""What admin classes across the service share."""


class ReadOnlyAdminMixin:
    """Records the service keeps itself, which the admin shows and never adds, changes or deletes.

    Put it before admin.ModelAdmin among the bases."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
