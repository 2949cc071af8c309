"""Database engine and session factory.

Request handlers get a session from `app.api.deps.get_db`; background tasks
open their own with `SessionLocal`, because the request's session is closed
as soon as the response has been sent.
"""

import os

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///./backoffice.db")

engine = create_engine(DATABASE_URL, pool_pre_ping=True)
SessionLocal = sessionmaker(bind=engine, autoflush=False, expire_on_commit=False)
