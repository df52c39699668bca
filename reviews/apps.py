"""Rapid reviews and local child safeguarding practice reviews."""

from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Rapid reviews and local reviews"
