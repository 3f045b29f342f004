def userinfo(claims, user):
    """The claims the city's provider vouches for: e-mail (verified) and name."""
    claims["email"] = user.email
    claims["email_verified"] = True
    claims["given_name"] = user.first_name
    claims["family_name"] = user.last_name
    return claims
