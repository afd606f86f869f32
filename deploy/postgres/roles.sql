-- The hub's PostgreSQL roles and database (DESIGN §5). Run once as a superuser:
--   psql -v owner_password="'…'" -v app_password="'…'" -f deploy/postgres/roles.sql
-- garrison_owner owns the schema and runs `garrison hub migrate`; garrison_app is what the daemon connects as:
-- it owns nothing, is no superuser and cannot bypass row-level security, so the tenant policies always apply.
CREATE ROLE garrison_owner LOGIN PASSWORD :owner_password;
CREATE ROLE garrison_app LOGIN PASSWORD :app_password NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
CREATE DATABASE garrison OWNER garrison_owner;
REVOKE ALL ON DATABASE garrison FROM PUBLIC;
GRANT CONNECT ON DATABASE garrison TO garrison_owner, garrison_app;
\connect garrison
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO garrison_app;
-- The migrations grant garrison_app exactly what it needs on each table (see Sources/GarrisonHub/Store/Migration+V1.swift).
