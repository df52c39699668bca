"""Django's `flush`, in a transaction that tells the access log's trigger it may be emptied.

On PostgreSQL the access log refuses TRUNCATE (audit migration 0002) unless the transaction has set
csprp.purging. Emptying the whole database is the one other time its rows may go; the test run does it
between tests that commit. Everywhere else flush behaves as Django's own.
"""

from django.core.management.commands import flush
from django.db import connections, transaction


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            return super().handle(**options)
        # One transaction around Django's (which becomes a savepoint inside it), so SET LOCAL reaches the TRUNCATE.
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL csprp.purging = 'on'")
            return super().handle(**options)
