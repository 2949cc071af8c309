"""Version 1 of the API: every router, mounted under /api/v1."""

from fastapi import APIRouter

from app.api.v1 import exports, health, marketplace
from app.api.v1.admin import code_quality, system, tests
from app.api.v1.admin import marketplace as admin_marketplace

api_router = APIRouter()
api_router.include_router(health.router)
api_router.include_router(marketplace.router)
api_router.include_router(exports.router)
api_router.include_router(admin_marketplace.router, prefix="/admin")
api_router.include_router(tests.router, prefix="/admin")
api_router.include_router(code_quality.router, prefix="/admin")
api_router.include_router(system.router, prefix="/admin")
