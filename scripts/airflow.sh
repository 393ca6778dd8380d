#!/usr/bin/env bash
# FundScout under Airflow on this machine.
#   scripts/airflow.sh setup        migrate the metadata DB and the store, create the `smtp` pool and the admin login
#   scripts/airflow.sh standalone   setup, then every component on this machine (LocalExecutor, SQLite metadata DB)
#   scripts/airflow.sh celery       setup, then the components with CeleryExecutor, PostgreSQL and Redis
#   scripts/airflow.sh celery-cli ARGS...   `airflow ARGS...` against that Celery deployment
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/airflow_env.sh"

load_secrets() {
    # Made once per deployment; every component (and each Celery worker machine) needs the same:
    # Airflow signs task tokens with the first two, FundScout signs review sessions and unsubscribe links.
    local secrets="$AIRFLOW_HOME/secrets.env" name
    if [[ ! -s "$secrets" ]]; then
        (umask 077 && python -c 'import secrets
for name in ("AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__API__SECRET_KEY", "FUNDSCOUT_SECRET_KEY"):
    print(f"{name}={secrets.token_hex(32)}")' >"$secrets")
    fi
    while IFS='=' read -r name value; do  # a value already in the environment wins
        [[ -n "${!name:-}" ]] || export "$name=$value"
    done <"$secrets"
}

setup() {
    airflow db migrate >"$AIRFLOW_HOME/db-migrate.log" 2>&1 || { cat "$AIRFLOW_HOME/db-migrate.log" >&2; exit 1; }
    fundscout init >/dev/null
    # one slot: digests go out one at a time, however many workers there are
    airflow pools set smtp 1 "SMTP sends for the weekly digests, one at a time" >/dev/null
    # the simple auth manager keeps its passwords in this file; writing it first lets us print the login
    local passwords="$AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"
    if [[ ! -s "$passwords" ]]; then
        (umask 077 && python -c 'import json, secrets; print(json.dumps({"admin": secrets.token_urlsafe(12)}))' >"$passwords")
    fi
}

login_help() {
    local password
    password="$(python -c 'import json, sys; print(json.load(open(sys.argv[1]))["admin"])' "$AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE")"
    echo "Airflow UI: http://$AIRFLOW__API__HOST:$AIRFLOW__API__PORT/  user: admin  password: $password"
    echo "  (password kept in $AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE; the review app at /review has its own login)"
}

celery_env() {
    export AIRFLOW__CORE__EXECUTOR=CeleryExecutor
    export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="${AIRFLOW_CELERY_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/airflow}"
    export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC="$AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"  # psycopg 3 does async too
    export AIRFLOW__CELERY__BROKER_URL="${AIRFLOW__CELERY__BROKER_URL:-redis://127.0.0.1:6379/0}"
    export AIRFLOW__CELERY__RESULT_BACKEND="${AIRFLOW__CELERY__RESULT_BACKEND:-db+$AIRFLOW__DATABASE__SQL_ALCHEMY_CONN}"
    # workers on other machines need the same store, so the store is PostgreSQL too
    export FUNDSCOUT_DATABASE_URL="${FUNDSCOUT_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/fundscout}"
}

create_postgres_database() {  # the metadata DB and the store, created if missing
    python - "$@" <<'EOF'
import sys
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

for url in map(make_url, sys.argv[1:]):
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}).first():
            conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
EOF
}

run_components() {
    # Every server binds $FUNDSCOUT_AIRFLOW_BIND (airflow_env.sh, default 127.0.0.1). Airflow's own
    # log servers listen on every interface and take no host setting, so the components start
    # with --skip-serve-logs and the same log-server app is served here on that address.
    local pids=() port component name
    trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
    for port in "$AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT" "$AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT"; do
        python -m uvicorn --factory airflow.utils.serve_logs.log_server:get_app --no-access-log \
            --host "$FUNDSCOUT_AIRFLOW_BIND" --port "$port" >"$AIRFLOW_HOME/log-server-$port.log" 2>&1 &
        pids+=($!)
    done
    for component in "$@"; do
        # shellcheck disable=SC2086  # "celery worker --skip-serve-logs" is several words on purpose
        name="${component%% -*}"
        airflow $component >"$AIRFLOW_HOME/${name// /-}.log" 2>&1 &
        pids+=($!)
    done
    login_help
    echo "Logs in $AIRFLOW_HOME/*.log; Ctrl-C stops all components."
    wait -n "${pids[@]}"
}

COMPONENTS=(api-server "scheduler --skip-serve-logs" dag-processor "triggerer --skip-serve-logs")

run_standalone() {
    setup
    run_components "${COMPONENTS[@]}"
}

run_celery() {
    celery_env
    create_postgres_database "$AIRFLOW__DATABASE__SQL_ALCHEMY_CONN" "$FUNDSCOUT_DATABASE_URL"
    setup
    run_components "${COMPONENTS[@]}" "celery worker --skip-serve-logs"
}

load_secrets
case "${1:-}" in
    setup) setup && login_help ;;
    standalone) run_standalone ;;
    celery) run_celery ;;
    celery-cli) shift && celery_env && exec airflow "$@" ;;
    *) echo "usage: $0 setup|standalone|celery|celery-cli ARGS..." >&2; exit 2 ;;
esac
