"""Declarative base shared by every table."""

from sqlalchemy.orm import declarative_base

Base = declarative_base()
