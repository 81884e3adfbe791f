-- Runs once, on the first start of an empty data volume (docker-entrypoint-initdb.d).
-- One database per service: each service owns its schema and migrates it (Alembic) at startup.
CREATE DATABASE org;
CREATE DATABASE deviation;
CREATE DATABASE risk;
CREATE DATABASE reporting;
