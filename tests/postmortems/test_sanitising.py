"""Markdown is always sanitised: a corpus of XSS payloads, through the renderer and through the postmortem page."""

import re

import pytest
from django.urls import reverse

from documents.markdown import render_markdown

XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" OnError="alert(1)">',
    "<svg onload=alert(1)><circle r=5></svg>",
    "<body onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "[click me](javascript:alert(1))",
    "[click me](JaVaScRiPt:alert(1))",
    "[click me](  javascript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](javascript:alert(1))",
    '<a href="javascript:alert(1)">link</a>',
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<div style="background:url(javascript:alert(1))">styled</div>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    '<form action="https://evil.example"><input name=x></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)><summary>x</summary></details>",
    '<p onclick="alert(1)" onmouseover="alert(2)">hover</p>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<style>body{background:red}</style>",
    "<!-- <script>alert(1)</script> -->",
    "<scr<script>ipt>alert(1)</script>",
    "`<script>alert(1)</script>` and ```\n<script>alert(1)</script>\n```",
    '<a href="https://example.com" target="_blank" onfocus="alert(1)" autofocus>ok</a>',
]

DANGEROUS = [
    re.compile(r"<\s*script", re.I),
    re.compile(r"<\s*iframe", re.I),
    re.compile(r"<\s*(object|embed|form|meta|link|base|style|svg|math|body)\b", re.I),
    re.compile(r"\son[a-z]+\s*=", re.I),
    re.compile(r"(href|src)\s*=\s*[\"']?\s*(javascript|vbscript|data):", re.I),
    re.compile(r"style\s*=", re.I),
]


def assert_safe(html):
    for pattern in DANGEROUS:
        assert not pattern.search(html), f"{pattern.pattern} survived in: {html}"


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_renderer_removes_every_payload(payload):
    assert_safe(render_markdown(payload))


def test_harmless_markdown_survives():
    html = render_markdown(
        "## Impact\n\n**38%** of [checkouts](https://example.com) failed.\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<h2" in html
    assert "<strong>38%</strong>" in html
    assert 'href="https://example.com"' in html
    assert "<table>" in html


@pytest.mark.django_db
def test_postmortem_page_shows_no_payload(viewer_client, make_postmortem):
    postmortem = make_postmortem(body="\n\n".join(XSS_CORPUS))
    page = viewer_client.get(postmortem.get_absolute_url()).content.decode()
    start = page.index('postmortem__body">')
    body = page[start : page.index("</section>", start)]
    assert_safe(body)
    assert "styled" in body  # the text is kept, only the danger goes
    assert ">vb<" in body


@pytest.mark.django_db
def test_live_preview_endpoint_sanitises(editor_client):
    response = editor_client.post(reverse("markdownx_markdownify"), {"content": "\n\n".join(XSS_CORPUS)})
    assert response.status_code == 200
    assert_safe(response.content.decode())
