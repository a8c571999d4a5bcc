"""Serving product pictures: public when a live (listed) listing uses them, otherwise only to
the supplier's own users, operators and regulators; everyone else gets the same 404."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_http_methods

from govmall.catalog.access import can_view_any_image_of, image_is_live
from govmall.catalog.models import ListingImage
from govmall.catalog.services_images import image_path

PUBLIC_CACHE = "public, max-age=86400"
PRIVATE_CACHE = "private, no-store"


def _serve(request: HttpRequest, image_id: int, *, thumb: bool) -> FileResponse:
    image = ListingImage.objects.select_related("supplier").filter(pk=image_id).first()
    user = request.user if request.user.is_authenticated else None
    if image is None:
        raise Http404
    live = image_is_live(image)
    if not live and not can_view_any_image_of(user, image):
        raise Http404
    path = image_path(image.thumb_name if thumb else image.storage_name)
    if path is None:
        raise Http404
    response = FileResponse(path.open("rb"), content_type=image.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="image-{image.pk}.{path.suffix[1:]}"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    # Content-addressed files never change under an id: public ones may be cached.
    response["Cache-Control"] = PUBLIC_CACHE if live else PRIVATE_CACHE
    return response


@require_http_methods(["GET", "HEAD"])
def image(request: HttpRequest, image_id: int) -> FileResponse:
    return _serve(request, image_id, thumb=False)


@require_http_methods(["GET", "HEAD"])
def image_thumb(request: HttpRequest, image_id: int) -> FileResponse:
    return _serve(request, image_id, thumb=True)
