"""Small presentation helpers shared by the templates: readable audit actions and links."""

from __future__ import annotations

from urllib.parse import quote

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from govmall.accounts.models import User
from govmall.accounts.roles import Role

register = template.Library()

# Readable names of audit actions; a capability adds its own. Unknown codes show as they are.
ACTION_LABELS: dict[str, Promise] = {
    "organisation.created": _("Organisation created"),
    "user.created": _("User created"),
    "user.locked": _("Account locked after failed logins"),
    "api_token.created": _("API token created"),
    "api_token.revoked": _("API token revoked"),
    "organisation.renamed": _("Organisation renamed"),
    "organisation.updated": _("Organisation updated"),
    "user.activated": _("Account activated"),
    "calendar.override_set": _("Calendar override set"),
    "calendar.override_removed": _("Calendar override removed"),
    "calendar.year_marked_complete": _("Calendar year marked complete"),
    "supplier.registered": _("Supplier registered"),
    "supplier.profile_updated": _("Supplier profile updated"),
    "supplier.document_uploaded": _("Document uploaded"),
    "supplier.submitted": _("Submitted for verification"),
    "supplier.approved": _("Supplier approved"),
    "supplier.returned": _("Returned for correction"),
    "supplier.rejected": _("Supplier rejected"),
    "supplier.changed": _("Key data changed"),
    "supplier.shared_imported": _("Admitted by shared recruitment"),
    "document.uploaded": _("Document uploaded"),
    "document.accepted": _("Document accepted"),
    "commitment.published": _("Credit commitment published"),
    "commitment.signed": _("Credit commitment signed"),
    "application.submitted": _("Application submitted"),
    "application.approved": _("Application approved"),
    "application.returned": _("Application returned for correction"),
    "application.rejected": _("Application rejected"),
    "application.deadline_recomputed": _("Deadline recomputed"),
    "application.overdue_notified": _("Overdue: owner notified"),
    "credit_flag.raised": _("Credit-list hit flagged"),
    "credit_flag.resolved": _("Credit-list flag resolved"),
    "credit_list.imported": _("Credit list imported"),
    "category.created": _("Category created"),
    "category.updated": _("Category updated"),
    "category.path_changed": _("Category moved"),
    "category.activated": _("Category activated"),
    "category.deactivated": _("Category deactivated"),
    "category.attribute_added": _("Attribute added"),
    "category.attribute_updated": _("Attribute updated"),
    "category.attribute_removed": _("Attribute removed"),
    "image.uploaded": _("Image uploaded"),
    "import.created": _("Import started"),
    "import.finished": _("Import finished"),
    "import.failed": _("Import failed"),
    "listing.created": _("Listing created"),
    "listing.updated": _("Listing edited"),
    "listing.submitted": _("Submitted for review"),
    "listing.listed": _("Listed after automatic review"),
    "listing.rejected": _("Rejected by the listing rules"),
    "listing.queued": _("Queued for manual review"),
    "listing.review_queued": _("Queued for manual review"),
    "listing.approved": _("Approved by an operator"),
    "listing.delisted": _("Delisted by the supplier"),
    "listing.suspended": _("Suspended"),
    "listing.reinstated": _("Reinstated"),
    "listing.stock_set": _("Stock changed"),
    "listing.revision_submitted": _("Revision submitted"),
    "listing.revision_applied": _("Revision applied"),
    "listing.revision_rejected": _("Revision rejected"),
    "listing.revision_withdrawn": _("Revision withdrawn"),
    "listing.bulk_upserted": _("Synchronised by bulk import"),
    "listing.review_deadline_recomputed": _("Deadline recomputed"),
    "listing.review_overdue": _("Review overdue"),
    "listing.review_overdue_notified": _("Overdue: owner notified"),
    "ruleset.published": _("Listing rule set published"),
    "reference.imported": _("Reference prices imported"),
    "order.pending_approval": _("Order placed, awaiting internal approval"),
    "order.placed": _("Order placed with the supplier"),
    "order.approved": _("Order approved"),
    "order.rejected": _("Order not approved"),
    "order.cancelled": _("Order cancelled"),
    "order.confirm_timeout": _("Order cancelled: not confirmed in time"),
    "order.confirmed": _("Order confirmed by the supplier"),
    "order.declined": _("Order declined by the supplier"),
    "order.contracted": _("Contract signed"),
    "order.shipped": _("Shipped"),
    "order.delivered": _("Delivered"),
    "order.accepted": _("Acceptance passed"),
    "order.acceptance_failed": _("Acceptance failed"),
    "order.completed": _("Order completed"),
    "order.returned": _("Order returned"),
    "order.terminated": _("Order terminated"),
    "order.lines_returned": _("Lines returned"),
    "order.change_requested": _("Return or termination requested"),
    "order.invoice_recorded": _("Invoice recorded"),
    "order.payment_recorded": _("Payment recorded"),
    "order.evaluated": _("Supplier rated"),
    "order.confirm_deadline_recomputed": _("Confirmation deadline recomputed"),
    "order.fulfilment_deadlines_recomputed": _("Acceptance deadline recomputed"),
    "order.acceptance_overdue_notified": _("Overdue acceptance notified"),
    "order.payment_overdue_notified": _("Late payment notified"),
    "quotation.published": _("Quotation published"),
    "quotation.evaluating": _("Quotes opened"),
    "quotation.awarded": _("Quotation awarded"),
    "quotation.failed": _("Quotation failed"),
    "quotation.cancelled": _("Quotation cancelled"),
    "quotation.relaunched": _("Quotation relaunched"),
    "quotation.award_offered": _("Award offered"),
    "quotation.award_deadline_recomputed": _("Award deadline recomputed"),
    "quotation.award_overdue_notified": _("Overdue award notified"),
    "quote.submitted": _("Sealed quote submitted"),
    "quote.revised": _("Sealed quote revised"),
    "quote.valid": _("Quote opened"),
    "quote.invalid": _("Quote opened and found invalid"),
    "quote.awarded": _("Quote awarded"),
    "quote.won": _("Award confirmed"),
    "quote.disqualified": _("Quote disqualified"),
    "quote.lapsed": _("Award lapsed"),
    "quote.declined": _("Award declined"),
    "contract.generated": _("Contract generated"),
    "contract.signature_added": _("Contract confirmed by one side"),
    "contract.signed": _("Contract signed by both sides"),
    "contract.published": _("Contract published"),
    "contract.filed": _("Contract filed with the regulator"),
    "contract.completed": _("Contract completed"),
    "contract.terminated": _("Contract terminated"),
    "contract.cancelled": _("Contract cancelled"),
    "contract.deadlines_recomputed": _("Contract deadlines recomputed"),
    "contract.publish_overdue_notified": _("Overdue publication notified"),
    "contract.file_overdue_notified": _("Overdue filing notified"),
    "ticket.opened": _("After-sales ticket opened"),
    "ticket.responded": _("Supplier responded"),
    "ticket.resolved": _("Ticket resolved"),
    "ticket.reopened": _("Ticket reopened"),
    "ticket.open": _("Ticket reopened"),
    "ticket.escalated": _("Ticket escalated to supervision"),
    "ticket.response_deadline_recomputed": _("Response deadline recomputed"),
    "ticket.response_overdue_notified": _("Overdue response notified"),
    "changerequest.requested": _("Return or termination requested"),
    "changerequest.awaiting_verification": _("Supplier agreed"),
    "changerequest.disputed": _("Disputed"),
    "changerequest.withdrawn": _("Request withdrawn"),
    "changerequest.approved": _("Verified and approved"),
    "changerequest.rejected": _("Verified and rejected"),
    "changerequest.deadline_recomputed": _("Deadline recomputed"),
    "changerequest.verify_overdue_notified": _("Overdue verification notified"),
    "fundingsource.created": _("Funding source created"),
    "fundingsource.amount_changed": _("Funding source amount changed"),
    "fundingsource.renamed": _("Funding source renamed"),
    "fundingsource.deactivated": _("Funding source deactivated"),
    "fundingsource.reactivated": _("Funding source reactivated"),
    "purchasingpolicy.limit_set": _("Approval limit set"),
}

OBJECT_TYPE_LABELS: dict[str, Promise] = {
    "accounts.organisation": _("Organisation"),
    "accounts.user": _("User"),
    "accounts.apitoken": _("API token"),
    "core.calendaroverride": _("Calendar override"),
    "core.calendaryear": _("Calendar year"),
    "suppliers.supplier": _("Supplier"),
    "suppliers.application": _("Application"),
    "suppliers.document": _("Document"),
    "suppliers.commitmenttext": _("Credit commitment text"),
    "suppliers.creditflag": _("Credit-list flag"),
    "suppliers.creditlistimport": _("Credit list import"),
    "catalog.category": _("Category"),
    "catalog.listing": _("Listing"),
    "catalog.listingimage": _("Listing image"),
    "catalog.ruleset": _("Listing rule set"),
    "catalog.listingimportjob": _("Listing import"),
    "pricing.referenceimport": _("Reference price import"),
    "trading.order": _("Purchase order"),
    "trading.quotation": _("Quotation"),
    "trading.quote": _("Quote"),
    "trading.contract": _("Contract"),
    "trading.ticket": _("After-sales ticket"),
    "trading.changerequest": _("Return or termination request"),
    "trading.fundingsource": _("Funding source"),
    "trading.purchasingpolicy": _("Approval limit"),
}


@register.filter
def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


@register.filter
def object_type_label(object_type: str) -> str:
    label = OBJECT_TYPE_LABELS.get(object_type)
    return str(label) if label is not None else object_type


@register.simple_tag
def timeline_url(object_type: str, object_id: str | int) -> str:
    """The public timeline of one object's audit chain."""
    return f"/audit/timeline/{quote(str(object_type), safe='')}/{quote(str(object_id), safe='')}/"


@register.filter
def role_labels(user: User) -> list[str]:
    """The user's roles, readable, in the order roles are declared."""
    held = {r.role for r in user.roles.all()}
    return [str(label) for value, label in Role.choices if value in held]
