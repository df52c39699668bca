"""Admin for bank holidays: administrators add days proclaimed after the bundled list was published."""

from django.contrib import admin

from .models import BankHoliday


@admin.register(BankHoliday)
class BankHolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "title", "source"]
    list_filter = ["source"]
    search_fields = ["title"]
    date_hierarchy = "date"
    readonly_fields = ["created_at"]

    def get_changeform_initial_data(self, request):
        return {"source": BankHoliday.Source.PROCLAMATION}
