"""Ways in: sign-up, e-mail confirmation, invitations, password reset, sign-in by e-mail link
and the account page, on one machinery of single-use, expiring, digest-only link tokens."""
