"""Bank holidays in England and Wales: the days that are not working days besides weekends."""

from django.db import models


class BankHoliday(models.Model):
    """One bank holiday. Seeded from GOV.UK's list; administrators add days proclaimed later."""

    class Source(models.TextChoices):
        GOVUK = "govuk", "GOV.UK bank holidays list"
        PROCLAMATION = "proclamation", "Added by an administrator"

    date = models.DateField(unique=True)
    title = models.CharField(max_length=200)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.PROCLAMATION)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d %B %Y}: {self.title}"
