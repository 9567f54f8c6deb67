#!/bin/sh
# Runs once, when the PostgreSQL volume is new: the gateway's database is POSTGRES_DB (mcp_gateway); Keycloak gets
# its own database, owned by the same user.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
SELECT 'CREATE DATABASE keycloak OWNER "$POSTGRES_USER"' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'keycloak')\gexec
SQL
