"""The Content-Security-Policy header: django-csp's, with the policy from the settings built once per process; a
nonce, a view's own policy, an excluded path and a report-only policy behave as django-csp documents."""

import pytest
from csp.constants import NONCE, SELF
from csp.decorators import csp_exempt, csp_update
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory

from core.middleware import ContentSecurityPolicyMiddleware


def directives(header):
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in header.split(";"))


def page(request):
    return HttpResponse("page")


def served(view=page, path="/incidents/"):
    request = RequestFactory().get(path)
    middleware = ContentSecurityPolicyMiddleware(view)
    return middleware(request)


def test_a_page_gets_the_policy_django_csp_builds_from_the_settings():
    assert directives(served()["Content-Security-Policy"]) == directives(build_policy())


def test_a_changed_policy_setting_is_sent_at_once(settings):
    served()
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {"default-src": [SELF], "img-src": ["https://img.example"]}
    }
    assert directives(served()["Content-Security-Policy"])["img-src"] == "https://img.example"


def test_a_view_that_adds_to_the_policy_gets_its_addition():
    view = csp_update({"img-src": "https://img.example"})(page)
    assert "https://img.example" in directives(served(view)["Content-Security-Policy"])["img-src"]


def test_an_exempt_view_gets_no_policy():
    assert "Content-Security-Policy" not in served(csp_exempt()(page))


def test_a_policy_a_view_set_itself_is_kept():
    def sandboxed(request):
        response = HttpResponse("upload")
        response["Content-Security-Policy"] = "sandbox"
        return response

    assert served(sandboxed)["Content-Security-Policy"] == "sandbox"


def test_a_nonce_a_page_used_is_in_its_policy(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE]}}

    def with_script(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}"></script>')

    response = served(with_script)
    nonce = response.content.decode().split('"')[1]
    assert f"'nonce-{nonce}'" in directives(response["Content-Security-Policy"])["script-src"]


def test_a_path_under_an_excluded_prefix_gets_no_policy(settings):
    settings.CONTENT_SECURITY_POLICY = {
        "EXCLUDE_URL_PREFIXES": ["/feeds/"],
        "DIRECTIVES": {"default-src": [SELF]},
    }
    assert "Content-Security-Policy" not in served(path="/feeds/status.atom")


def test_a_report_only_policy_is_sent_beside_the_enforced_one(settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": [SELF], "img-src": ["*"]}}
    assert directives(served()["Content-Security-Policy-Report-Only"])["img-src"] == "*"


def test_asking_for_a_nonce_after_the_header_was_written_fails_loudly():
    request = RequestFactory().get("/")
    ContentSecurityPolicyMiddleware(page)(request)
    with pytest.raises(Exception, match="csp_nonce"):
        str(request.csp_nonce)
