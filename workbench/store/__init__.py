"""Storage of a project: one JSON file through TinyDB, atomic writes, backups, the lock."""
