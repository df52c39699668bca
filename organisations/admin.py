"""Admin for organisations, people and memberships.

django-otp's admin lists people's authenticator apps and recovery codes, and django-axes' admin the
sign-in attempts: deleting an access attempt unlocks that email address.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from .models import LocalAuthority, Membership, Organisation, Partnership, Region, User
from .services import second_factor_reset


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "gss_code"]


class LocalAuthorityInline(admin.TabularInline):
    model = LocalAuthority
    fk_name = "partnership"
    fields = ["name", "code", "region"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "region", "partnership", "team_mailbox"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "code"]
    list_select_related = ["region", "partnership"]
    autocomplete_fields = ["partnership"]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region", "partnership"]
    list_filter = ["region"]
    search_fields = ["name", "code"]
    fields = ["name", "code", "region", "partnership"]
    list_select_related = ["region", "partnership"]
    autocomplete_fields = ["partnership"]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    fields = ["name", "code"]
    inlines = [LocalAuthorityInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation", "created_at"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]


class EmailUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name"]


class EmailUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "memberships__role"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "wants_case_messages"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["reset_second_factor"]

    @admin.action(description="Reset two-factor authentication (a lost phone)", permissions=["change"])
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            second_factor_reset(user=user)
        self.message_user(
            request,
            f"Removed the authenticator apps and recovery codes of {len(queryset)} "
            f"{'person' if len(queryset) == 1 else 'people'}. Those who need two-factor authentication set up "
            "an app again when they next sign in.",
            messages.SUCCESS,
        )
