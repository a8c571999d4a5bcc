"""Uploading qualification documents: check the content, store it privately, record a version.

Who may upload: the supplier's own users, both the supplier admin and supplier staff (staff
commonly handle the paperwork; every version is verified by the operator before it counts, and
the upload is on the audit trail under the uploader's name). Operators, purchasers and
regulators never upload on a supplier's behalf.

Storage: ``settings.GOVMALL_PRIVATE_MEDIA/<supplier_id>/<sha256>.<ext>``, outside STATIC_ROOT and
every public path, written atomically (temporary file, then ``os.replace``); the path is content
addressed, so identical bytes share one file. The file is written first and the rows after it;
if the rows fail, a file this upload created is removed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import unicodedata

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.models import User
from govmall.accounts.roles import Role
from govmall.audit.services import record_event
from govmall.core.errors import DomainError, NotFound, PermissionDenied
from govmall.suppliers.documents import private_root, required_types
from govmall.suppliers.filecheck import CheckedFile, inspect_upload
from govmall.suppliers.models import Document, DocumentType, Supplier, SupplierSource

MAX_NAME = 200
UPLOAD_ROLES = (Role.SUPPLIER_ADMIN, Role.SUPPLIER_STAFF)


def clean_original_name(name: str, extension: str) -> str:
    """The declared name for display: no folders, no control characters, at most 200
    characters, with the extension of what is actually stored."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip(" .")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = stem[: MAX_NAME - len(extension) - 1] or "document"
    return f"{stem}.{extension}"


def require_uploader(actor: User | None, supplier: Supplier) -> User:
    """The supplier's own admin or staff; anyone else's supplier is a 404."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise NotFound()
    if actor.organisation_id != supplier.organisation_id:
        raise NotFound()
    if not actor.has_role(*UPLOAD_ROLES):
        raise PermissionDenied(_("Only the supplier's admin or staff may upload documents."))
    return actor


def active_document_type(code: str) -> DocumentType:
    doc_type = DocumentType.objects.filter(code=code, active=True).first()
    if doc_type is None:
        raise DomainError(
            "unknown_document_type",
            _("%(code)s is not a document type that can be uploaded.") % {"code": code},
            field="doc_type",
        )
    return doc_type


# ---- the file -----------------------------------------------------------------------------


def storage_name_for(supplier: Supplier, checked: CheckedFile) -> str:
    return f"{supplier.pk}/{checked.sha256}.{checked.extension}"


def write_file(storage_name: str, content: bytes) -> bool:
    """Write `content` atomically under the private root; True if this call created the file
    (False when identical content was stored before: the name is its hash). A stored file whose
    bytes no longer match its name is replaced."""
    root = private_root()
    target = root / storage_name
    target.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
    existed = target.is_file()
    if existed and hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(content).digest():
        return False
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o640)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return not existed


def remove_file(storage_name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        (private_root() / storage_name).unlink()


# ---- the verb -----------------------------------------------------------------------------


def _accept_at_once(supplier: Supplier, doc_type: DocumentType) -> bool:
    """A supplier of shared recruitment is active already; a required type it lacks is
    accepted on upload (its activation), later versions go through verification."""
    if supplier.source != SupplierSource.SHARED:
        return False
    if doc_type.code not in {t.code for t in required_types(supplier.supplier_type)}:
        return False
    return not Document.objects.filter(
        supplier=supplier, doc_type=doc_type, accepted_at__isnull=False
    ).exists()


def document_upload(
    *,
    actor: User | None,
    supplier: Supplier,
    doc_type_code: str,
    data: bytes,
    original_name: str,
) -> Document:
    """Store a new version of a qualification document (version = previous + 1; earlier
    versions are kept). Refusals: ``not_found``/``forbidden`` (not the supplier's admin or
    staff), ``unknown_document_type``, and the file checks of ``filecheck.inspect_upload``."""
    uploader = require_uploader(actor, supplier)
    doc_type = active_document_type(doc_type_code)
    checked = inspect_upload(data, original_name)  # outside the transaction: pure and slow
    storage_name = storage_name_for(supplier, checked)
    created_file = False
    try:
        with transaction.atomic():
            locked = Supplier.objects.select_for_update().get(pk=supplier.pk)
            latest = Document.objects.filter(supplier=locked, doc_type=doc_type).aggregate(
                v=Max("version")
            )["v"]
            now = timezone.now()
            accepted_at = now if _accept_at_once(locked, doc_type) else None
            created_file = write_file(storage_name, checked.content)
            document = Document.objects.create(
                supplier=locked,
                doc_type=doc_type,
                version=(latest or 0) + 1,
                storage_name=storage_name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                original_name=clean_original_name(original_name, checked.extension),
                uploaded_by=uploader,
                uploaded_at=now,
                accepted_at=accepted_at,
            )
            _record(document, locked, uploader)
    except BaseException:
        if created_file:
            remove_file(storage_name)
        raise
    supplier.audit_head, supplier.audit_length = locked.audit_head, locked.audit_length
    return document


def _record(document: Document, supplier: Supplier, actor: User) -> None:
    facts = {
        "doc_type": document.doc_type_id,
        "version": document.version,
        "sha256": document.sha256,
        "size": document.size,
        "content_type": document.content_type,
        "original_name": document.original_name,
    }
    org = supplier.organisation
    record_event(
        obj=document, action="document.uploaded", actor=actor, after=facts, organisation=org
    )
    if document.accepted_at is not None:
        record_event(
            obj=document,
            action="document.accepted",
            actor=actor,
            after={"accepted_at": document.accepted_at, "reason": "shared_recruitment"},
            organisation=org,
        )
    record_event(
        obj=supplier,
        action="supplier.document_uploaded",
        actor=actor,
        after={
            "document_id": document.pk,
            **facts,
            "accepted": document.accepted_at is not None,
        },
        organisation=org,
    )
