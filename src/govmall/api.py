"""/api/v1/: every app's router mounted on the one API."""

from govmall.accounts.api import router as accounts_router
from govmall.audit.api import router as audit_router
from govmall.core.api import router as core_router
from govmall.core.api_base import build_api

api = build_api()
api.add_router("/", core_router)
api.add_router("/", accounts_router)
api.add_router("/audit/", audit_router)
