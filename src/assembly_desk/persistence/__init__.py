"""Storage: SQLAlchemy 2 models, the engine, the unit of work, Alembic migrations.

The same code and migrations run on an embedded SQLite file and on a shared PostgreSQL
database for several desks. Correctness under concurrency comes from constraints and
transactions here, never from Python locks.
"""
