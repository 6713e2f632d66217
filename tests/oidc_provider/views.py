"""Test control of the provider: disable a user, or set their groups (POST, loopback)."""

from django.contrib.auth.models import Group, User
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


@csrf_exempt
@require_POST
def user_change(request, username):
    user = get_object_or_404(User, username=username)
    if "active" in request.POST:
        user.is_active = request.POST["active"] == "1"
        user.save(update_fields=["is_active"])
    if "groups" in request.POST:
        names = [n for n in request.POST["groups"].split(",") if n]
        user.groups.set([Group.objects.get_or_create(name=n)[0] for n in names])
    return HttpResponse("ok")
