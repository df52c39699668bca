"""Read and index the documents of rapid review versions stored before their text was read on arrival."""

from django.core.management.base import BaseCommand
from django.db import transaction

from reviews.models import RapidReviewVersion
from reviews.search import version_text_index


class Command(BaseCommand):
    help = (
        "Read the text of rapid review documents into the search index: the versions not indexed yet, or "
        "every version with --all (after the reading of documents has improved). Each version is committed "
        "on its own, so the command can be stopped and run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Read every version again, not only new ones.")

    def handle(self, *args, **options):
        versions = RapidReviewVersion.objects.all()
        if not options["all"]:
            versions = versions.filter(document_text__isnull=True)
        indexed = empty = 0
        for pk in versions.order_by("pk").values_list("pk", flat=True).iterator():
            with transaction.atomic():
                record = version_text_index(version=RapidReviewVersion.objects.get(pk=pk))
            indexed += 1
            empty += not record.text
        self.stdout.write(f"Rapid review versions indexed: {indexed}; with no text: {empty} (the log says why).")
