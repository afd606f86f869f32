-- The hub's PostgreSQL roles and database (DESIGN §5), as a superuser; running it again changes nothing but the
-- passwords. The passwords come from the environment, never a command line (which `ps` shows):
--   read -rs -p 'owner password: ' GARRISON_OWNER_PASSWORD; echo; export GARRISON_OWNER_PASSWORD
--   read -rs -p 'app password: ' GARRISON_APP_PASSWORD; echo; export GARRISON_APP_PASSWORD
--   sudo --preserve-env=GARRISON_OWNER_PASSWORD,GARRISON_APP_PASSWORD -u postgres psql -f deploy/postgres/roles.sql
-- garrison_owner owns the schema and runs `garrison hub migrate`; garrison_app is what the daemon connects as:
-- it owns nothing, is no superuser and cannot bypass row-level security, so the tenant policies always apply.
-- Both log in with a password over TCP: see pg_hba.conf in deploy/README.md.
\set ON_ERROR_STOP on
\getenv owner_password GARRISON_OWNER_PASSWORD
\getenv app_password GARRISON_APP_PASSWORD
\if :{?owner_password}
\else
  \warn 'roles.sql: set GARRISON_OWNER_PASSWORD (and GARRISON_APP_PASSWORD) in the environment; see the head of this file'
  DO $$ BEGIN RAISE EXCEPTION 'GARRISON_OWNER_PASSWORD is not set'; END $$;
\endif
\if :{?app_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'GARRISON_APP_PASSWORD is not set'; END $$;
\endif

SELECT 'CREATE ROLE garrison_owner LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'garrison_owner') \gexec
SELECT 'CREATE ROLE garrison_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE'
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'garrison_app') \gexec
ALTER ROLE garrison_owner LOGIN PASSWORD :'owner_password';
ALTER ROLE garrison_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
SELECT 'CREATE DATABASE garrison OWNER garrison_owner' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'garrison') \gexec
REVOKE ALL ON DATABASE garrison FROM PUBLIC;
GRANT CONNECT ON DATABASE garrison TO garrison_owner, garrison_app;
\connect garrison
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO garrison_app;
-- The migrations grant garrison_app exactly what it needs on each table (see Sources/GarrisonHub/Store/Migration+V1.swift).
\echo 'roles.sql: garrison_owner, garrison_app and database garrison are ready'
