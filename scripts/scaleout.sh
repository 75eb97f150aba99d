#!/usr/bin/env bash
# Scale-out on one machine (docs/scaling.md): a PostgreSQL streaming replica on port 5433 cloned from the
# primary on 127.0.0.1:5432, then a statistics request through Django with DATABASE_REPLICA_URL set, showing
# (router log line + the replica's own statement counter) that the read was served by the replica.
#   scripts/scaleout.sh replica   # start the replica (idempotent)
#   scripts/scaleout.sh prove DB  # DB: a migrated database with demo data on the primary
#   scripts/scaleout.sh stop      # stop the replica
# The whole set-up (bench/scaleout.py): two gunicorn servers (:8201, :8202) behind nginx (:8200), two huey
# consumers on Redis database 5, the replica for reads that may lag; pid files and logs in /var/tmp/ot-scaleout.
#   scripts/scaleout.sh up DB         # the replica, then the servers, nginx and the consumers on database DB
#   scripts/scaleout.sh prove-all DB  # DB (ot_scaleout*) made afresh with W1's setup, then every proof;
#                                     # bench/results/scaleout.json (options after DB: --orders N ...)
#   scripts/scaleout.sh down [--all]  # stop what `up` started; --all stops the replica too
# The primary is not restarted: a replication line for 127.0.0.1 is added to pg_hba.conf and reloaded
# (wal_level=replica and max_wal_senders=10 are PostgreSQL's defaults).
set -euo pipefail
PGBIN=/usr/lib/postgresql/15/bin
DATA=${SCALE_REPLICA_DIR:-/var/tmp/ot-scale-replica}
PORT=${SCALE_REPLICA_PORT:-5433}
HBA=$(psql -h 127.0.0.1 -U postgres -Atc "show hba_file")
here=$(cd "$(dirname "$0")/.." && pwd)

replica() {
  if ! grep -q "^host replication all 127.0.0.1/32 trust" "$HBA"; then
    echo "host replication all 127.0.0.1/32 trust" >> "$HBA"
    psql -h 127.0.0.1 -U postgres -Atc "select pg_reload_conf()" >/dev/null
  fi
  if [ ! -f "$DATA/standby.signal" ]; then
    rm -rf "$DATA"; mkdir -p "$DATA"; chown postgres "$DATA"; chmod 700 "$DATA"
    su postgres -c "$PGBIN/pg_basebackup -h 127.0.0.1 -p 5432 -U postgres -D $DATA -R -X stream -c fast"
    # Debian keeps the primary's configuration under /etc: the replica gets its own, minimal one.
    printf "local all all trust\nhost all all 127.0.0.1/32 trust\n" > "$DATA/pg_hba.conf"
    : > "$DATA/postgresql.conf"; chown postgres "$DATA/pg_hba.conf" "$DATA/postgresql.conf"
  fi
  if ! su postgres -c "$PGBIN/pg_ctl -D $DATA status" >/dev/null 2>&1; then
    su postgres -c "$PGBIN/pg_ctl -D $DATA -l $DATA/replica.log -w start -o '-p $PORT -c hot_standby=on \
      -c unix_socket_directories=/tmp -c shared_preload_libraries= -c log_statement=all'"
  fi
  psql -h 127.0.0.1 -p "$PORT" -U postgres -Atc "select 'in recovery: ' || pg_is_in_recovery()"
  psql -h 127.0.0.1 -U postgres -Atc "select 'streaming to: ' || client_addr || ' ' || state from pg_stat_replication"
}

prove() {
  db=$1
  cd "$here"
  before=$(grep -cE "(statement|execute [^:]*):" "$DATA/replica.log" || true)
  DATABASE_URL=postgresql://postgres@127.0.0.1:5432/$db \
  DATABASE_REPLICA_URL=postgresql://postgres@127.0.0.1:$PORT/$db ORDERTAKING_LOG_LEVEL=WARNING \
  .venv/bin/python - <<'PY'
import logging, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ordertaking.settings")
import django
django.setup()
routed = []
class Count(logging.Handler):
    def emit(self, record): routed.append(record.getMessage())
log = logging.getLogger("ordertaking.db_router")
log.setLevel(logging.DEBUG); log.addHandler(Count()); log.propagate = False
from django.conf import settings
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from ordertaking.accounts.models import User
settings.ALLOWED_HOSTS = ["*"]
c = Client()
c.force_login(User.objects.get(username="leader1"))
with CaptureQueriesContext(connections["replica"]) as rep, CaptureQueriesContext(connections["default"]) as pri:
    r = c.get("/reports/statistics/")
print(f"statistics page: HTTP {r.status_code}; queries on the replica {len(rep)}, on the primary {len(pri)} "
      f"(the session and the signed-in user, read by middleware before the view); router log lines {len(routed)}")
PY
  after=$(grep -cE "(statement|execute [^:]*):" "$DATA/replica.log" || true)
  echo "the replica's own log recorded $((after - before)) statements meanwhile"
}

case "${1:-}" in
  replica) replica ;;
  prove) prove "${2:?database name}" ;;
  stop) su postgres -c "$PGBIN/pg_ctl -D $DATA -m fast stop" ;;
  up) replica; cd "$here"; .venv/bin/python -m bench scaleout up "${2:?database name}" ;;
  prove-all) [ $# -ge 2 ] || { echo "usage: $0 prove-all DB [--orders N]" >&2; exit 2; }
    replica; cd "$here"; shift; .venv/bin/python -m bench scaleout prove-all "$@" ;;
  down)
    cd "$here"; .venv/bin/python -m bench scaleout down
    if [ "${2:-}" = "--all" ]; then su postgres -c "$PGBIN/pg_ctl -D $DATA -m fast stop"; fi ;;
  *) echo "usage: $0 replica|prove DB|stop|up DB|prove-all DB [--orders N]|down [--all]" >&2; exit 2 ;;
esac
