"""Settings from the environment fail loudly: a typo is an error naming the variable, never a silent False."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.env import env_bool


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
