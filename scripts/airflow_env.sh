# Source me: the Airflow settings for FundScout on this machine (used by `make airflow`, the tests).
# Anything already set in the environment wins, so a deployment can override each line.
FUNDSCOUT_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# standalone starts its components by the bare command name `airflow`
export PATH="$FUNDSCOUT_REPO/.venv/bin:$PATH"
export FUNDSCOUT_HOME="${FUNDSCOUT_HOME:-$FUNDSCOUT_REPO/var}"
export AIRFLOW_HOME="${AIRFLOW_HOME:-$FUNDSCOUT_HOME/airflow}"
export AIRFLOW__CORE__DAGS_FOLDER="${AIRFLOW__CORE__DAGS_FOLDER:-$FUNDSCOUT_REPO/dags}"
export AIRFLOW__CORE__PLUGINS_FOLDER="${AIRFLOW__CORE__PLUGINS_FOLDER:-$FUNDSCOUT_REPO/dags/plugins}"
export AIRFLOW__CORE__LOAD_EXAMPLES="${AIRFLOW__CORE__LOAD_EXAMPLES:-False}"
export AIRFLOW__CORE__DEFAULT_TIMEZONE="${AIRFLOW__CORE__DEFAULT_TIMEZONE:-Europe/Ljubljana}"
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE="${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE:-$AIRFLOW_HOME/passwords.json}"
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="${AIRFLOW__DATABASE__SQL_ALCHEMY_CONN:-sqlite:///$AIRFLOW_HOME/airflow.db}"
# The address every Airflow server listens on (API, log servers, scheduler health check): this
# machine only, unless a deployment sets it (workers on other machines need the log servers).
export FUNDSCOUT_AIRFLOW_BIND="${FUNDSCOUT_AIRFLOW_BIND:-127.0.0.1}"
# 8793 is Airflow's own log server port: the API server must not take it
export AIRFLOW__API__HOST="${AIRFLOW__API__HOST:-$FUNDSCOUT_AIRFLOW_BIND}"
export AIRFLOW__API__PORT="${AIRFLOW__API__PORT:-8080}"
# workers reach the Execution API through this address
export AIRFLOW__API__BASE_URL="${AIRFLOW__API__BASE_URL:-http://$AIRFLOW__API__HOST:$AIRFLOW__API__PORT}"
export AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT="${AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT:-8793}"
export AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT="${AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT:-8794}"
export AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_HOST="${AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_HOST:-$FUNDSCOUT_AIRFLOW_BIND}"
mkdir -p "$AIRFLOW_HOME"
