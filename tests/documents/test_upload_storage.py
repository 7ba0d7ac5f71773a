"""Uploaded images in shared storage: with S3_BUCKET set, an image uploaded through the editor lands in the
bucket (not on this machine's disk) and any node serves it back through the site's own checked address.
The bucket is moto's S3-compatible server on loopback."""

import socket
import urllib.request
from io import BytesIO

import boto3
import pytest
from django.test import Client
from django.urls import reverse
from moto.server import ThreadedMotoServer
from PIL import Image

from core.env import storage_settings

BUCKET = "hindsight-uploads"


def png_bytes():
    buffer = BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def s3_server(monkeypatch):
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    urllib.request.urlopen(
        urllib.request.Request(f"{url}/moto-api/reset", method="POST")
    )  # moto state is global
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "hindsight-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "hindsight-test-secret")
    yield url
    server.stop()


@pytest.fixture
def bucket(s3_server, settings, tmp_path):
    s3 = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    settings.MEDIA_ROOT = tmp_path  # must stay empty: nothing is written on this node's disk
    environ = {"S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": s3_server, "S3_REGION": "us-east-1"}
    settings.STORAGES = {**settings.STORAGES, "default": storage_settings(environ)}
    return s3


def upload(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("markdownx_upload"),
        {"image": SimpleUploadedFile("diagram.png", png_bytes(), content_type="image/png")},
        headers={"x-requested-with": "XMLHttpRequest"},
    )


def stored_keys(s3):
    return [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


@pytest.mark.django_db
def test_an_uploaded_image_is_stored_in_the_bucket_not_on_disk(editor_client, bucket, tmp_path):
    assert upload(editor_client).status_code == 200
    [key] = stored_keys(bucket)
    assert key.startswith("markdownx/")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_a_document_links_the_image_at_the_sites_own_address(editor_client, bucket):
    image_code = upload(editor_client).json()["image_code"]
    [key] = stored_keys(bucket)
    assert image_code == f"![]({reverse('uploaded_image', kwargs={'path': key.removeprefix('markdownx/')})})"


@pytest.mark.django_db
def test_another_person_reads_the_image_back_through_the_site(editor_client, bucket, viewer):
    image_code = upload(editor_client).json()["image_code"]
    reader = Client()
    reader.force_login(viewer)
    served = reader.get(image_code.removeprefix("![](").removesuffix(")"))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert "sandbox" in served["Content-Security-Policy"]
    assert (
        b"".join(served.streaming_content)
        == bucket.get_object(Bucket=BUCKET, Key=stored_keys(bucket)[0])["Body"].read()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["missing.png", "../secret.png", "notes.html"])
def test_only_uploaded_images_in_the_bucket_are_served(viewer_client, bucket, path):
    bucket.put_object(Bucket=BUCKET, Key="secret.png", Body=png_bytes())
    bucket.put_object(Bucket=BUCKET, Key="markdownx/notes.html", Body=b"<script>alert(1)</script>")
    assert viewer_client.get(f"/media/markdownx/{path}").status_code == 404


@pytest.mark.django_db
def test_anonymous_visitors_cannot_read_an_image_in_the_bucket(editor_client, bucket):
    image_code = upload(editor_client).json()["image_code"]
    response = Client().get(image_code.removeprefix("![](").removesuffix(")"))
    assert response.status_code == 302
