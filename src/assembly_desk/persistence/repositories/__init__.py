"""Queries the services need, one module per thing stored.

Services say what they want ("the person with this card code", "record this check-in");
these modules say how, in SQL, per dialect where SQLite and PostgreSQL differ. No module
above ``persistence`` builds a query or imports SQLAlchemy (an import-linter contract).
"""
