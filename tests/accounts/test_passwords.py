import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests import factories as f


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password, code",
    [
        ("Kort-pass1!", "password_too_short"),  # 11 characters
        ("password1234", "password_too_common"),
        ("qwerty123456", "password_too_common"),
        ("381947265019", "password_entirely_numeric"),
    ],
)
def test_passwords_short_common_or_numeric_are_refused(password, code):
    with pytest.raises(ValidationError) as exc:
        validate_password(password)
    assert code in [error.code for error in exc.value.error_list], exc.value.messages


@pytest.mark.django_db
def test_passwords_long_uncommon_ones_pass_and_the_user_name_is_not_allowed():
    validate_password("fjord-birch-lantern-42")
    user = f.make_user(username="tilflyttkoordinator")
    with pytest.raises(ValidationError):
        validate_password("tilflyttkoordinator", user=user)
