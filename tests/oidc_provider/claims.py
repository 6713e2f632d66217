"""What the test provider says about a user: e-mail and names (userinfo), and in the id
token, as Entra ID sends them, the groups as `roles`, `amr` and the directory id `tid`."""

TENANT_ID = "narvik-tenant"


def userinfo(claims, user):
    claims["email"] = user.email
    claims["email_verified"] = True
    claims["given_name"] = user.first_name
    claims["family_name"] = user.last_name
    claims["name"] = f"{user.first_name} {user.last_name}".strip()
    return claims


def id_token_claims(id_token, user, **kwargs):
    id_token["roles"] = sorted(user.groups.values_list("name", flat=True))
    id_token["amr"] = ["mfa", "pwd"]
    id_token["tid"] = TENANT_ID
    return id_token
