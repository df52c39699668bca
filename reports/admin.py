"""The census comparator, loaded by an administrator for the reports page."""

from django.contrib import admin
from django.db import models

from .models import CensusComparator, CensusShare


class CensusShareInline(admin.TabularInline):
    model = CensusShare
    extra = 5
    max_num = 5


@admin.register(CensusComparator)
class CensusComparatorAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "created_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [CensusShareInline]
