import pytest
from django.core.exceptions import ImproperlyConfigured

from config.email_url import email_settings


def test_an_smtp_url_sets_host_port_and_credentials():
    found = email_settings({"EMAIL_URL": "smtp://mailer:s%40cret@mail.example.com:587/?tls=1"})
    assert (
        found["EMAIL_HOST"],
        found["EMAIL_PORT"],
        found["EMAIL_HOST_PASSWORD"],
        found["EMAIL_USE_TLS"],
    ) == ("mail.example.com", 587, "s@cret", True)


def test_smtps_means_implicit_tls_on_465():
    found = email_settings({"EMAIL_URL": "smtps://mail.example.com"})
    assert (found["EMAIL_PORT"], found["EMAIL_USE_SSL"]) == (465, True)


def test_no_mail_settings_write_mail_to_the_console():
    assert email_settings({})["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_email_host_variables_still_work():
    assert email_settings({"EMAIL_HOST": "relay", "EMAIL_PORT": "2525"})["EMAIL_PORT"] == 2525


@pytest.mark.parametrize(
    "url", ["http://mail.example.com", "smtp://", "smtp://h/?tls=maybe", "smtp://h/?bogus=1"]
)
def test_a_malformed_email_url_fails_loudly(url):
    with pytest.raises(ImproperlyConfigured):
        email_settings({"EMAIL_URL": url})
