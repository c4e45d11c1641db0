"""The decisions store's tables (`store.Decisions`), and how an older store is brought up to date.

Version 2 added decisions on flags (`flag_decisions`) and, in `history`, what a flag's decision
said (verdict, the item its points change applies to, whether its comment is internal)."""
from __future__ import annotations

SCHEMA_VERSION = 2
FLAGS_SCHEMA = """
CREATE TABLE IF NOT EXISTS flag_decisions (safe_id TEXT NOT NULL, flag TEXT NOT NULL, verdict TEXT NOT NULL,
                        points REAL NOT NULL, target TEXT NOT NULL, comment TEXT NOT NULL, internal INTEGER NOT NULL,
                        tutor TEXT NOT NULL, decided_at TEXT NOT NULL, basis TEXT NOT NULL, rev INTEGER NOT NULL,
                        PRIMARY KEY (safe_id, flag));
"""
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rubric (id INTEGER PRIMARY KEY, item TEXT NOT NULL, points REAL NOT NULL, comment TEXT NOT NULL,
                     tutor TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS history (id INTEGER PRIMARY KEY, safe_id TEXT NOT NULL, item TEXT NOT NULL, points REAL,
                      comment TEXT NOT NULL, rubric_id INTEGER, tutor TEXT NOT NULL, decided_at TEXT NOT NULL,
                      source TEXT NOT NULL, verdict TEXT NOT NULL DEFAULT '', target TEXT NOT NULL DEFAULT '',
                      internal INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS decisions (safe_id TEXT NOT NULL, item TEXT NOT NULL, points REAL NOT NULL, comment TEXT NOT NULL,
                        rubric_id INTEGER REFERENCES rubric(id), tutor TEXT NOT NULL, decided_at TEXT NOT NULL,
                        source TEXT NOT NULL, basis TEXT NOT NULL, rev INTEGER NOT NULL,
                        PRIMARY KEY (safe_id, item));
CREATE INDEX IF NOT EXISTS decisions_by_rubric ON decisions (rubric_id);
CREATE TABLE IF NOT EXISTS splits (safe_id TEXT NOT NULL, item TEXT NOT NULL, PRIMARY KEY (safe_id, item));
CREATE TABLE IF NOT EXISTS dirty (safe_id TEXT PRIMARY KEY, rev INTEGER NOT NULL);  -- outputs to write again
""" + FLAGS_SCHEMA
UPGRADE_1 = ("ALTER TABLE history ADD COLUMN verdict TEXT NOT NULL DEFAULT '';"
             "ALTER TABLE history ADD COLUMN target TEXT NOT NULL DEFAULT '';"
             "ALTER TABLE history ADD COLUMN internal INTEGER NOT NULL DEFAULT 0;" + FLAGS_SCHEMA
             + "UPDATE meta SET value='2' WHERE key='schema_version';")
