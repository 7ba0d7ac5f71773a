"""Personal API tokens: created on the person's own page, shown once, stored only as a hash, revocable."""

import hashlib

from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken
from postmortems.models import ActionItem, Postmortem
from runbooks.models import Runbook
from tests.api.conftest import token_client


def bearer(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_a_new_token_is_shown_once_and_stored_hashed(viewer_client, viewer):
    response = viewer_client.post(reverse("api_tokens:list"), {"name": "deploy pipeline"})
    secret = response.context["secret"]
    token = ApiToken.objects.get(user=viewer)
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret in response.content.decode()
    assert secret not in viewer_client.get(reverse("api_tokens:list")).content.decode()


def test_the_secret_is_never_stored(viewer_client, viewer):
    secret = viewer_client.post(reverse("api_tokens:list"), {"name": "cron"}).context["secret"]
    stored = ApiToken.objects.filter(user=viewer).values().get()
    assert secret not in [str(value) for value in stored.values()]


def test_a_token_reads_the_api_as_its_person(viewer_client, viewer, service):
    secret = viewer_client.post(reverse("api_tokens:list"), {"name": "cron"}).context["secret"]
    response = bearer(secret).get("/api/v1/services/")
    assert response.status_code == 200
    assert response.json()["results"][0]["name"] == "checkout-api"


def test_using_a_token_records_when(viewer_client, viewer, service):
    secret = viewer_client.post(reverse("api_tokens:list"), {"name": "cron"}).context["secret"]
    bearer(secret).get("/api/v1/services/")
    assert ApiToken.objects.get(user=viewer).last_used_at is not None


def test_a_revoked_token_is_refused(viewer_client, viewer):
    secret = viewer_client.post(reverse("api_tokens:list"), {"name": "cron"}).context["secret"]
    token = ApiToken.objects.get(user=viewer)
    viewer_client.post(reverse("api_tokens:revoke", args=[token.pk]))
    assert bearer(secret).get("/api/v1/services/").status_code == 401


def test_nobody_can_revoke_someone_elses_token(viewer_client, editor):
    token, secret = ApiToken.issue(user=editor, name="editor's script")
    response = viewer_client.post(reverse("api_tokens:revoke", args=[token.pk]))
    assert response.status_code == 404
    assert bearer(secret).get("/api/v1/services/").status_code == 200


def test_a_token_without_a_name_is_not_created(viewer_client, viewer):
    response = viewer_client.post(reverse("api_tokens:list"), {"name": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.filter(user=viewer).exists()


def test_the_token_page_lists_only_your_own_tokens(viewer_client, editor):
    ApiToken.issue(user=editor, name="editor's script")
    assert "editor&#x27;s script" not in viewer_client.get(reverse("api_tokens:list")).content.decode()


def test_no_token_gets_401(db):
    response = APIClient().get("/api/v1/incidents/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_gets_401(db):
    assert bearer("hs_not-a-token").get("/api/v1/incidents/").status_code == 401


def test_a_deactivated_persons_token_gets_401(viewer):
    client = token_client(viewer)
    viewer.is_active = False
    viewer.save()
    assert client.get("/api/v1/incidents/").status_code == 401


def test_the_signed_in_session_reads_the_api_too(viewer_client, service):
    assert viewer_client.get("/api/v1/services/").status_code == 200


def test_requests_beyond_the_rate_are_refused_per_token(viewer, settings):
    settings.HINDSIGHT_API_RATE_PER_MINUTE = 2
    client, other = token_client(viewer), token_client(viewer)
    statuses = [client.get("/api/v1/categories/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert other.get("/api/v1/categories/").status_code == 200


def read_urls(make_incident, service, category, viewer):
    """One address of each read endpoint, lists and records."""
    incident = make_incident(services=[service])
    postmortem = Postmortem(incident=incident, title="Outage", body="x")
    postmortem.save_revision(viewer)
    item = ActionItem.objects.create(postmortem=postmortem, title="Alert")
    runbook = Runbook(title="Failover", body="x")
    runbook.save_revision(viewer)
    lists = ["incidents", "action-items", "postmortems", "runbooks", "services", "categories"]
    records = [
        f"incidents/{incident.pk}",
        f"action-items/{item.pk}",
        f"postmortems/{postmortem.pk}",
        f"runbooks/{runbook.slug}",
        f"services/{service.pk}",
        f"categories/{category.pk}",
    ]
    return [f"/api/v1/{path}/" for path in lists + records]


def test_every_read_endpoint_needs_a_token(make_incident, service, category, viewer):
    urls = read_urls(make_incident, service, category, viewer)
    assert {url: APIClient().get(url).status_code for url in urls} == dict.fromkeys(urls, 401)


def test_every_read_endpoint_refuses_a_revoked_token(make_incident, service, category, viewer):
    urls = read_urls(make_incident, service, category, viewer)
    token, secret = ApiToken.issue(user=viewer, name="old")
    token.revoke()
    assert {url: bearer(secret).get(url).status_code for url in urls} == dict.fromkeys(urls, 401)


def test_a_viewers_token_reads_every_endpoint(make_incident, service, category, viewer):
    urls = read_urls(make_incident, service, category, viewer)
    client = token_client(viewer)
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 200)
