"""Persistence (SQLAlchemy 2 async): the only package that talks to the database."""
