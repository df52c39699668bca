"""Admin for bank holidays, which administrators add, and for deadlines, which they only read."""

from django.contrib import admin

from organisations.admin_mixins import ReadOnlyAdminMixin

from .models import BankHoliday, Deadline


@admin.register(BankHoliday)
class BankHolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "title", "source"]
    list_filter = ["source"]
    search_fields = ["title"]
    date_hierarchy = "date"
    readonly_fields = ["created_at"]

    def get_changeform_initial_data(self, request):
        return {"source": BankHoliday.Source.PROCLAMATION}


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Deadlines are computed from the case's dates by the services; the admin shows them. A deadline is part
    of the case's record, met or not, and is never deleted: one that no longer applies is cancelled."""

    list_display = ["incident", "kind", "responsible", "due_on", "status", "met_on"]
    list_filter = ["kind", "status"]
    list_select_related = ["incident", "responsible"]
    search_fields = ["incident__reference", "responsible__name"]
    date_hierarchy = "due_on"
