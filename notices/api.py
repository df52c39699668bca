"""The API of what the service told people: each person's own notices, and the secretariat's chasers."""

from django.utils import timezone
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied

from deadlines.models import Deadline

from .selectors import chasers, notices_for
from .serializers import ChaserSerializer, NoticeSerializer


class MyNoticesApi(generics.ListAPIView):
    """What the service sent me: reminders and case messages, newest first."""

    serializer_class = NoticeSerializer
    queryset = NoticeSerializer.Meta.model.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return notices_for(user=self.request.user)


class ChasersApi(generics.ListAPIView):
    """Retrospective notifications and offline confirmations the Panel is still waiting for, oldest first."""

    serializer_class = ChaserSerializer
    queryset = Deadline.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        if not self.request.user.has_perm("notices.see_chasers"):
            raise PermissionDenied("The Panel's secretariat chases outstanding notifications.")
        return chasers(user=self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}
