"""Images uploaded from the Markdown editor: who may upload, what is kept, and how it is served.

markdownx's own views take any logged-in user's upload and name the file after the client's extension. Here:
only people who can edit documents may upload; the bytes must be an image Pillow recognises as an allowed type
(markdownx then checks the size and re-encodes rasters); the stored name is random with the extension of the
*detected* type; files are served to logged-in users only, never sniffed or run as a page.

Files live in Django's default storage: this machine's MEDIA_ROOT, or an S3-compatible bucket shared by every app
node (README "Scaling out"). Either way a document links to the site's own address for the image and the site
streams it from storage, so the checks below apply, the page's CSP (img-src 'self') holds, and no expiring
bucket URL is ever written into a document.
"""

import mimetypes
import posixpath
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe
from markdownx.forms import ImageForm
from markdownx.views import ImageUploadView, MarkdownifyView
from PIL import Image

from core.limits import MAX_BODY_LENGTH
from core.ratelimit import rate_limited

# Anyone who may write a document that has an editor may add images to it.
DOCUMENT_EDIT_PERMISSIONS = ("postmortems.change_postmortem", "runbooks.change_runbook")
EXTENSION_FOR_TYPE = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}


def can_edit_documents(user):
    return any(user.has_perm(permission) for permission in DOCUMENT_EDIT_PERMISSIONS)


class DetectedTypeImageForm(ImageForm):
    """markdownx's form trusts the browser's content type (and crashes on a non-image): ask Pillow instead."""

    def clean(self):
        upload = self.files.get("image")
        if upload:
            upload.content_type = detected_image_type(upload)
            if upload.content_type is None:
                raise ValidationError({"image": "This file is not an image (JPEG, PNG, GIF or WebP)."})
        return super().clean()

    def save(self, commit=True):
        upload = self.files["image"]
        upload.name = f"upload.{EXTENSION_FOR_TYPE[upload.content_type]}"
        return super().save(commit=commit)

    def _save(self, image, file_name, commit):
        """Store through default storage; answer with the site's own address, never the storage's URL."""
        if not commit:
            return super()._save(image, file_name, commit)
        stored = default_storage.save(
            posixpath.join(settings.MARKDOWNX_MEDIA_PATH, self.get_unique_file_name(file_name)), image
        )
        return reverse(
            "uploaded_image", kwargs={"path": posixpath.relpath(stored, settings.MARKDOWNX_MEDIA_PATH)}
        )


def detected_image_type(upload):
    """The MIME type Pillow recognises in the file's bytes, or None for anything that is not an allowed image."""
    try:
        with Image.open(upload) as image:
            image.verify()
            detected = Image.MIME.get(image.format)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        detected = None
    finally:
        upload.seek(0)
    return detected if detected in EXTENSION_FOR_TYPE else None


class DocumentImageUploadView(ImageUploadView):
    form_class = DetectedTypeImageForm


@require_POST
def upload_image(request):
    if not can_edit_documents(request.user):
        raise PermissionDenied
    return DocumentImageUploadView.as_view()(request)


@require_POST
@rate_limited("markdown_preview")
def markdown_preview(request):
    """markdownx's live preview (sanitised HTML); a request without content previews nothing."""
    if len(request.POST.get("content", "")) > MAX_BODY_LENGTH:
        message = (
            f"The preview stops at {MAX_BODY_LENGTH:,} characters: shorten the text to see it and to save it."
        )
        return HttpResponse(f"<p>{message}</p>", status=400)
    if "content" not in request.POST:
        request.POST = request.POST.copy()
        request.POST["content"] = ""
    return MarkdownifyView.as_view()(request)


@require_safe
def serve_upload(request, path):
    """An uploaded image, to logged-in users, with a type from our own list and no chance to run as a page."""
    name = stored_image_name(path)
    try:
        image = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404("No such image.") from error
    response = FileResponse(image, content_type=mimetypes.guess_type(name)[0])
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=86400"
    return response


def stored_image_name(path):
    """The storage name of an uploaded image at `path`, or 404 for another type or a path that leaves the folder."""
    if PurePosixPath(path).suffix.lower().lstrip(".") not in EXTENSION_FOR_TYPE.values():
        raise Http404("Not an uploaded image.")
    parts = PurePosixPath(path).parts
    if not parts or "\\" in path or any(part in {"..", ".", "/"} or part.startswith("/") for part in parts):
        raise Http404("Not an uploaded image.")
    return posixpath.join(settings.MARKDOWNX_MEDIA_PATH, *parts)
