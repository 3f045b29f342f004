"""Set up the provider's database: signing key, the CSO Program as a client,
and the city's employees. Usage: python -m tests.oidc_provider.seed REDIRECT_URI"""

import sys

import django


def main(redirect_uri: str) -> None:
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType

    call_command("migrate", verbosity=0, interactive=False)
    call_command("creatersakey", verbosity=0)
    client = Client.objects.create(
        name="CSO Program",
        client_id="cso-program",
        client_secret="cso-program-test-secret",  # noqa: S106
        client_type="confidential",
        jwt_alg="RS256",
        require_consent=False,
        _redirect_uris=redirect_uri,
    )
    client.response_types.add(ResponseType.objects.get(value="code"))
    for username, email in [
        ("pat", "Pat.Lee@example.org"),
        ("stranger", "stranger@example.org"),
        ("gone", "gone@example.org"),
    ]:
        User.objects.create_user(username, email, "provider-password-1", first_name=username)


if __name__ == "__main__":
    main(sys.argv[1])
