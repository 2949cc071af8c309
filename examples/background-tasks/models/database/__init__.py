"""SQLAlchemy models. Importing this package registers every table on Base.metadata."""

from models.database.architecture_scan import ArchitectureScan
from models.database.base import Base
from models.database.export_job import ExportJob
from models.database.letzshop import LetzshopCredentials, LetzshopHistoricalImportJob
from models.database.marketplace_import_job import MarketplaceImportJob
from models.database.test_run import TestRun

__all__ = [
    "ArchitectureScan",
    "Base",
    "ExportJob",
    "LetzshopCredentials",
    "LetzshopHistoricalImportJob",
    "MarketplaceImportJob",
    "TestRun",
]
