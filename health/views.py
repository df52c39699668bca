"""/healthz: whether the database and the broker answer, for load balancers and operators."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .checks import broker_check, database_check, last_worker_heartbeat


@never_cache
@require_GET
def healthz(request):
    database_ok, database_detail = database_check()
    broker_ok, broker_detail = broker_check()
    healthy = database_ok and broker_ok
    body = {
        "status": "ok" if healthy else "error",
        "database": {"ok": database_ok, "detail": database_detail},
        "broker": {"ok": broker_ok, "detail": broker_detail},
        "worker_last_heartbeat": last_worker_heartbeat(),
    }
    return JsonResponse(body, status=200 if healthy else 503)
