"""Selects are built in Python for speed; they must stay the same markup, escaped and with the choice kept."""

import pytest
from django import forms
from django.urls import reverse

from incidents.models import Service


def test_select_escapes_labels_and_values_and_marks_the_choice():
    widget = forms.Select(choices=[('a"b', "<script>x</script>"), ("2", "Two")], attrs={"class": "pick"})
    html = widget.render("service", "2")
    assert html.startswith('<select name="service" class="pick">')
    assert '<option value="a&quot;b">&lt;script&gt;x&lt;/script&gt;</option>' in html
    assert '<option value="2" selected>Two</option>' in html


def test_multiple_select_with_groups():
    widget = forms.SelectMultiple(choices=[("Platform", [("1", "edge")]), ("2", "db")])
    html = widget.render("s", ["1", "2"])
    assert " multiple>" in html
    assert '<optgroup label="Platform"><option value="1" selected>edge</option></optgroup>' in html
    assert '<option value="2" selected>db</option>' in html


@pytest.mark.django_db
def test_filter_form_keeps_the_chosen_service(viewer_client):
    chosen = Service.objects.create(name="orders-db", team="Data")
    Service.objects.create(name="<b>edge</b>", team="Platform")
    html = viewer_client.get(reverse("incidents:list"), {"service": chosen.pk}).content.decode()
    assert f'<option value="{chosen.pk}" selected>orders-db</option>' in html
    assert "&lt;b&gt;edge&lt;/b&gt;" in html
    assert "<b>edge</b>" not in html
