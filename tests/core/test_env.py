"""Settings from the environment fail loudly: a typo is an error naming the variable, never a silent False."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.env import env_bool, storage_settings


@pytest.mark.parametrize("word", ["1", "true", "Yes", " on "])
def test_words_for_yes_read_as_true(monkeypatch, word):
    monkeypatch.setenv("HINDSIGHT_EXAMPLE", word)
    assert env_bool("HINDSIGHT_EXAMPLE") is True


@pytest.mark.parametrize("word", ["0", "false", "No", "off", ""])
def test_words_for_no_read_as_false(monkeypatch, word):
    monkeypatch.setenv("HINDSIGHT_EXAMPLE", word)
    assert env_bool("HINDSIGHT_EXAMPLE", default=True) is False


def test_an_unset_variable_takes_the_default(monkeypatch):
    monkeypatch.delenv("HINDSIGHT_EXAMPLE", raising=False)
    assert env_bool("HINDSIGHT_EXAMPLE", default=True) is True


def test_a_typo_names_the_variable(monkeypatch):
    monkeypatch.setenv("HINDSIGHT_EXAMPLE", "ture")
    with pytest.raises(ImproperlyConfigured, match="HINDSIGHT_EXAMPLE"):
        env_bool("HINDSIGHT_EXAMPLE")


def test_a_typo_lists_the_accepted_words(monkeypatch):
    monkeypatch.setenv("HINDSIGHT_EXAMPLE", "ture")
    with pytest.raises(ImproperlyConfigured, match="1, true, yes, on"):
        env_bool("HINDSIGHT_EXAMPLE")


def test_uploads_stay_on_local_disk_without_a_bucket():
    assert storage_settings({})["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_a_bucket_moves_uploads_to_s3_compatible_storage():
    storage = storage_settings({"S3_BUCKET": "uploads", "S3_ENDPOINT_URL": "http://127.0.0.1:9000"})
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"


def test_an_s3_compatible_endpoint_is_addressed_by_path():
    storage = storage_settings({"S3_BUCKET": "uploads", "S3_ENDPOINT_URL": "http://127.0.0.1:9000"})
    assert storage["OPTIONS"]["addressing_style"] == "path"


def test_an_endpoint_that_is_not_a_url_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match="S3_ENDPOINT_URL"):
        storage_settings({"S3_BUCKET": "uploads", "S3_ENDPOINT_URL": "127.0.0.1:9000"})
