# The standalone-cluster harness: throwaway Spark clusters (a Master and W Workers of one core
# each, separate JVMs, everything on 127.0.0.1) made from the Spark jars Maven resolved, with no
# Spark installation. Used by bin/cluster-test and bin/scaling-benchmark. Sources common.sh.
#
# Start a two-worker cluster, submit a job, stop it:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/cluster.sh"
#   harness_start                  # temp dir $tmp, loopback env, cd $tmp, cleanup on exit
#   ...build the jars (bin/sparkprop --version, or build_benchmarks)...
#   cluster_spark_home             # $tmp/spark-home; $app_jar, a copy of the driver's app jar
#   cluster_start 2                # returns when both Workers are ALIVE, else dies
#   rc=0
#   cluster_submit NAME --class CLASS --conf spark.executor.memory=1g "$app_jar" ARGS... || rc=$?
#                                  # rc: its exit status; stdout in $tmp/NAME.out, log in $tmp/NAME.err
#   cluster_stop                   # or leave it to the exit trap
#
# Functions (each dies, with die from common.sh or the caller's, when it cannot do its part):
#   harness_start             makes $tmp (logs in $tmp/logs) and cds into it, so nothing a driver
#                             writes to its working dir lands in the repo; exports SPARK_LOCAL_IP
#                             and OPENBLAS_NUM_THREADS; traps EXIT, INT and TERM to stop what was
#                             started and remove $tmp (KEEP=1 keeps it)
#   harness_run NAME CMD...   runs CMD under `timeout $job_timeout` in the background and waits for
#                             it (so a signal is handled at once); stdout to $tmp/NAME.out, stderr
#                             to $tmp/NAME.err; runs `$job_hook NAME` meanwhile when job_hook is
#                             set; returns CMD's exit status (124: timed out)
#   cluster_spark_home        SPARK_HOME with jars/ linked to driver/target/spark-classpath.txt's jars
#   cluster_start W [PREFIX]  a Master and W Workers (1 core, 2g each); logs in
#                             $tmp/logs/PREFIXmaster.log and PREFIXworkerI.log, Worker I's work dir
#                             (executors' stderr under app-*/*/) $tmp/work/PREFIXworkerI
#   cluster_submit NAME ARGS...
#                             spark-submit ARGS to the cluster, as harness_run NAME; all its cores,
#                             starting once every executor is registered
#   cluster_master_json       the Master's /json/ status page
#   cluster_completed_apps    the states of the Master's completed apps ("FINISHED FINISHED"), or none
#   cluster_stop              stops the running job and the cluster (Workers first), SIGKILL after
#                             $STOP_TIMEOUT s; returns 1 if anything needed SIGKILL
#   free_ports START...       for each START, a free port on 127.0.0.1 from START on
# State: tmp, spark_home, app_jar, master_port, master_ui, master_url, cluster_workers,
# daemon_pids (the Master's, then Worker 1's, ...; each leads a process group holding its
# executors), job_pid (the job harness_run runs now).
# Settings, read when used: job_timeout (seconds, default 600), driver_memory (the driver JVM's
# -Xmx for cluster_submit, default 1g), job_hook.
# shellcheck shell=bash

# shellcheck source=bin/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
harness_lib=$root/bin/lib

# Bounds, in seconds.
readonly WORKERS_TIMEOUT=180  # Master + Workers up and registered (6-7 s measured for 2, 32 s on a loaded machine)
readonly STOP_TIMEOUT=15      # daemons exiting after SIGTERM (under 1 s measured)

tmp=""
daemon_pids=()
daemon_names=()
job_pid=""
job_timeout=600
driver_memory=1g
job_hook=""
start_seconds=$SECONDS

alive() { kill -0 "$1" 2>/dev/null; }

harness_start() {
  # Every endpoint (RPC, block managers, web UIs) binds to loopback, never the host's address.
  export SPARK_LOCAL_IP=127.0.0.1
  # One task per executor core: native BLAS single-threaded (Workers and executors inherit this).
  export OPENBLAS_NUM_THREADS=1
  # A SPARK_CONF_DIR from the caller would bring in its spark-defaults.conf.
  unset SPARK_CONF_DIR
  trap harness_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/${0##*/}.XXXXXX")
  mkdir -p "$tmp/logs"
  cd "$tmp" || exit
}

harness_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  cluster_stop || rc=1
  if [ -n "$tmp" ]; then
    if [ "${KEEP:-0}" = 1 ]; then
      log "kept $tmp"
    else
      rm -rf "$tmp"
    fi
  fi
  exit "$rc"
}

harness_run() {
  local name=$1 rc=0
  shift
  timeout -k 5 "$job_timeout" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null &
  job_pid=$!
  [ -z "$job_hook" ] || "$job_hook" "$name"
  wait "$job_pid" || rc=$?
  job_pid=""
  return "$rc"
}

free_ports() {
  python3 "$harness_lib/free_ports.py" "$@"
}

# Only jars/ is needed: the daemons and spark-submit are started by class, not by Spark's scripts.
# Symlinks, since the jars are 326 MB. The app jar is copied so that a rebuild by someone else
# during the run cannot change it under a driver.
cluster_spark_home() {
  spark_home=$tmp/spark-home
  mkdir -p "$spark_home/jars"
  local jar n=0
  while IFS= read -r jar; do
    [ -n "$jar" ] || continue
    [ -f "$jar" ] || die "missing jar from spark-classpath.txt: $jar"
    ln -s "$jar" "$spark_home/jars/"
    n=$((n + 1))
  done < <(tr ':' '\n' <"$root/driver/target/spark-classpath.txt")
  ((n > 0)) || die "spark-classpath.txt lists no jars"
  app_jar=$tmp/sparkprop-app.jar
  cp "$root/driver/target/sparkprop-app.jar" "$app_jar"
  export SPARK_HOME=$spark_home
  log "SPARK_HOME $spark_home ($n jars)"
}

# start_daemon NAME CLASS ARGS...: one Spark daemon JVM in its own session (setsid execs java
# directly, so $! is the JVM and the leader of a process group its executors inherit).
# SPARK_SCALA_VERSION=2.13 lets a Worker build executor command lines from SPARK_HOME/jars;
# without it every executor dies with "Cannot find any build directories".
start_daemon() {
  local name=$1 class=$2
  shift 2
  SPARK_HOME=$spark_home SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 \
    setsid java -Xmx512m -cp "$spark_home/jars/*" "$class" "$@" \
    >"$tmp/logs/$name.log" 2>&1 </dev/null &
  daemon_pids+=("$!")
  daemon_names+=("$name")
  # Not this shell's job any more: a Worker killed on purpose is not reported as "Killed"
  disown "$!"
  log "started $name (pid $!)"
}

cluster_start() {
  local workers=$1 prefix=${2:-} ports i starts=(7077 8080)
  for ((i = 1; i <= workers; i++)); do starts+=($((8080 + i))); done
  mapfile -t ports < <(free_ports "${starts[@]}")
  ((${#ports[@]} == workers + 2)) || die "could not find free ports"
  master_port=${ports[0]} master_ui=${ports[1]}
  master_url=spark://127.0.0.1:$master_port
  cluster_workers=$workers
  start_daemon "${prefix}master" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$master_port" --webui-port "$master_ui"
  for ((i = 1; i <= workers; i++)); do
    mkdir -p "$tmp/work/${prefix}worker$i"
    start_daemon "${prefix}worker$i" org.apache.spark.deploy.worker.Worker "$master_url" \
      --host 127.0.0.1 --cores 1 --memory 2g --webui-port "${ports[i + 1]}" --work-dir "$tmp/work/${prefix}worker$i"
  done
  wait_for_workers
}

# --noproxy so that an http_proxy in the environment is never asked.
cluster_master_json() {
  curl -sfL --noproxy '*' --max-time 3 "http://127.0.0.1:$master_ui/json/"
}

cluster_completed_apps() {
  cluster_master_json | python3 "$harness_lib/master_status.py" completed-apps
}

show_daemon_logs() {
  local name
  for name in "${daemon_names[@]}"; do
    [ -f "$tmp/logs/$name.log" ] || continue
    log "last lines of $name.log:"
    tail -n 8 "$tmp/logs/$name.log" >&2
  done
}

wait_for_workers() {
  local deadline=$((SECONDS + WORKERS_TIMEOUT)) alive_count=0 pid
  while ((SECONDS < deadline)); do
    for pid in "${daemon_pids[@]}"; do
      if ! alive "$pid"; then
        show_daemon_logs
        die "a daemon (pid $pid) exited during start-up"
      fi
    done
    alive_count=$(cluster_master_json 2>/dev/null | python3 "$harness_lib/master_status.py" alive-workers 2>/dev/null) ||
      alive_count=0
    if [ "$alive_count" = "$cluster_workers" ]; then
      log "$cluster_workers workers ALIVE after $((SECONDS - start_seconds)) s (master $master_url, UI $master_ui)"
      return 0
    fi
    sleep 1
  done
  show_daemon_logs
  die "only ${alive_count:-0} of $cluster_workers workers ALIVE after ${WORKERS_TIMEOUT}s"
}

# minRegisteredResourcesRatio=1: start only when every executor is in, so that the first stage
# (and the cached partitions, hence later stages) spreads over all Workers.
cluster_submit() {
  local name=$1
  shift
  spark_java_command
  harness_run "$name" "${spark_java[@]}" "-Xmx$driver_memory" \
    -cp "$spark_home/jars/*" org.apache.spark.deploy.SparkSubmit \
    --master "$master_url" \
    --conf spark.cores.max="$cluster_workers" \
    --conf spark.scheduler.minRegisteredResourcesRatio=1.0 \
    --conf spark.ui.enabled=false \
    --conf spark.driver.host=127.0.0.1 \
    "$@"
}

# Stops what this harness started and nothing else: the job, then the Workers before the Master
# (a Worker stops its executors on SIGTERM). Each daemon was started with setsid, so its process
# group holds exactly it and the executors it forked; pkill -P also catches any child that left
# the group. The job runs under timeout, which passes SIGTERM on to it.
cluster_stop() {
  local pid i rc=0 pids=()
  if [ -n "$job_pid" ] && alive "$job_pid"; then
    kill -TERM "$job_pid" 2>/dev/null || true
  fi
  for ((i = ${#daemon_pids[@]} - 1; i >= 0; i--)); do
    pid=${daemon_pids[i]}
    pkill -TERM -P "$pid" 2>/dev/null || true
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  done
  local deadline=$((SECONDS + STOP_TIMEOUT))
  pids=("${daemon_pids[@]}")
  [ -z "$job_pid" ] || pids+=("$job_pid")
  for pid in "${pids[@]}"; do
    while { alive "$pid" || pgrep -g "$pid" >/dev/null 2>&1; } && ((SECONDS < deadline)); do
      sleep 0.2
    done
    if alive "$pid" || pgrep -g "$pid" >/dev/null 2>&1; then
      log "pid $pid did not stop in ${STOP_TIMEOUT}s; sending SIGKILL"
      pkill -KILL -P "$pid" 2>/dev/null || true
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      rc=1
    fi
  done
  daemon_pids=()
  daemon_names=()
  job_pid=""
  return "$rc"
}
