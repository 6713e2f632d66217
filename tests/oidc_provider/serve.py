"""Starts the test provider: `python -m tests.oidc_provider.serve PORT CONFIG_JSON`.

CONFIG_JSON holds the client (id, secret, redirect and post-logout URIs) and the users
(username, password, email, names, groups). Environment: OIDC_TEST_DB (a SQLite file of
its own) and OIDC_TEST_SITE_URL (http://127.0.0.1:PORT). Migrates, makes a signing key,
the client and the users, then serves until killed."""

import json
import os
import sys


def main() -> None:
    port = int(sys.argv[1])
    config = json.loads(sys.argv[2])
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application
    from oidc_provider.models import Client, ResponseType

    call_command("migrate", verbosity=0, interactive=False)
    call_command("creatersakey", verbosity=0)
    client = Client.objects.create(
        name="Tilflytt",
        client_type="confidential",
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        jwt_alg="RS256",
        require_consent=False,
        reuse_consent=True,
    )
    client.redirect_uris = config["redirect_uris"]
    client.post_logout_redirect_uris = config["post_logout_redirect_uris"]
    client.save()
    client.response_types.set(ResponseType.objects.filter(value="code"))
    for spec in config["users"]:
        user = User.objects.create_user(
            spec["username"],
            email=spec["email"],
            password=spec["password"],
            first_name=spec.get("first_name", ""),
            last_name=spec.get("last_name", ""),
        )
        user.groups.set([Group.objects.get_or_create(name=n)[0] for n in spec.get("groups", [])])
    print("ready", flush=True)
    run("127.0.0.1", port, get_wsgi_application(), threading=True)


if __name__ == "__main__":
    main()
