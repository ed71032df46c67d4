"""Staff fixtures: the auth ones (fast bcrypt, accounts of each role, sign-in)."""

from tests.auth.conftest import fast_bcrypt, make_user, sign_in  # noqa: F401
