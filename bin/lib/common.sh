# Helpers the scripts in bin/ share. Source it first:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# It sets `root` (the repository) and defines:
#   log MESSAGE...           MESSAGE on stderr, after the script's name
#   die MESSAGE...           log "FAIL: MESSAGE" and exit 1 (a script may redefine it; it must not return)
#   script_help              prints the script's header comment: its usage
#   sources_changed STAMP DIR...
#                            true when STAMP is missing, or the root pom.xml or a file under one of
#                            the DIRs (relative to root; target/ left out) is newer than STAMP
#   build_app_jar            builds driver/target/sparkprop-app.jar (and spark-classpath.txt, the
#                            Spark jars to run it on) when missing or older than the sources
#   build_benchmarks         builds the benchmarks module (and the driver's jars with it) when
#                            missing or older than the sources
#   spark_java_command       sets the array spark_java: java with the JVM flags Spark's launcher adds
#                            on Java 17 and the project's log4j2 configuration, the start of every
#                            command line that runs Spark here
#   local_spark_env          local jobs on loopback with single-threaded BLAS, unless the
#                            environment says otherwise
#   class_archive_flags ARCHIVE CLASSPATH WRITE
#                            sets the array class_archive: the JVM flags that load classes from
#                            ARCHIVE, a class-data sharing archive of CLASSPATH's classes, when it
#                            is newer than CLASSPATH's jars; else, when WRITE is 1, the flags that
#                            write it at exit to ARCHIVE.tmp.$$ (class_archive_written moves it
#                            into place); else none. Removes what an interrupted run left
#   class_archive_written ARCHIVE RC
#                            after a run with class_archive_flags' writing flags: keeps the archive
#                            it wrote when RC is 0 (a run that failed may have loaded few classes)
# shellcheck shell=bash

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() {
  log "FAIL: $*"
  exit 1
}

script_help() {
  sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"
}

sources_changed() {
  local stamp=$1 dir dirs=()
  shift
  for dir in "$@"; do dirs+=("$root/$dir"); done
  [ ! -f "$stamp" ] ||
    [ -n "$(find "$root/pom.xml" "${dirs[@]}" -path '*/target' -prune -o -newer "$stamp" -type f -print -quit)" ]
}

build_app_jar() {
  if [ ! -f "$root/driver/target/spark-classpath.txt" ] ||
    sources_changed "$root/driver/target/sparkprop-app.jar" worker-lib driver; then
    log "building the application jar (mvn package)..."
    quiet_mvn -DskipTests package -pl driver -am
  fi
}

# quiet_mvn ARGS...: mvn -q in the project, its output on stderr without the colour codes Maven 3.8
# prints even when quiet and not writing to a terminal (-B and style.color do not stop them).
quiet_mvn() {
  (cd "$root" && mvn -q "$@") 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2
  return "${PIPESTATUS[0]}"
}

# benchmarks.jar is rewritten by every package (classpath.txt is not when its content stays the
# same), so it is the stamp. bin/scaling-benchmark also runs the driver's app jar on the Spark
# jars it lists.
build_benchmarks() {
  if [ ! -f "$root/benchmarks/target/classpath.txt" ] || [ ! -f "$root/driver/target/spark-classpath.txt" ] ||
    sources_changed "$root/benchmarks/target/benchmarks.jar" worker-lib driver benchmarks; then
    log "building (mvn package)..."
    quiet_mvn -DskipTests package -pl benchmarks -am
  fi
}

# The JVM flags are kept in one place, the root pom's spark.jvm.flags (Surefire reads it too).
spark_java_command() {
  local flags
  flags=$(sed -n 's:.*<spark.jvm.flags>\(.*\)</spark.jvm.flags>.*:\1:p' "$root/pom.xml")
  [ -n "$flags" ] || die "no <spark.jvm.flags> in $root/pom.xml"
  # shellcheck disable=SC2206,SC2034 # the flags are words without spaces; the caller runs it
  spark_java=(java $flags "-Dlog4j2.configurationFile=$root/conf/log4j2.properties")
}

# A JVM that starts Spark loads about 11,000 classes from some 200 jars, and starting a session
# took 7 s of CPU here, most of it finding, parsing and verifying classes. A dynamic class-data
# sharing archive (-XX:ArchiveClassesAtExit) holds them parsed and verified; loading from it cut
# the session's CPU seconds by 45%, those to the first step of Fashion-MNIST by 30% (the run that
# writes it costs more CPU, and the dump at exit some seconds). Classes are only loaded
# faster: the compiled code and the results are the same. The JVM checks the jars' sizes and
# times itself and ignores a stale archive (its warning, on stdout, is silenced: the archive is
# rewritten then); the time check here keeps it from going stale. It is written to a temporary
# name and renamed, as two commands may run at once. A run that fails while writing it discards it
# (it holds only the classes a failed run loaded) and leaves $archive.failed: the dump had made
# that run about twice as slow, so later runs do not write one, until one of them succeeds; the
# run after that writes it. A new build starts afresh.
# Sets class_archive (the JVM flags) and class_archive_mode: use, write, wait (a failed write
# holds it back) or none.
class_archive_flags() {
  local archive=$1 write=$3 jars tmp
  IFS=: read -ra jars <<<"$2"
  class_archive=()
  class_archive_mode=none
  # Left by a run whose JVM was signalled while it wrote the archive: its process is gone
  for tmp in "$archive".tmp.*; do
    [ ! -e "$tmp" ] || kill -0 "${tmp##*.}" 2>/dev/null || rm -f "$tmp"
  done
  if fresh_beside_jars "$archive" "${jars[@]}"; then
    class_archive=("-XX:SharedArchiveFile=$archive" "-Xlog:cds*=off")
    class_archive_mode=use
  elif [ "$write" = 1 ] && fresh_beside_jars "$archive.failed" "${jars[@]}"; then
    class_archive_mode=wait
  elif [ "$write" = 1 ]; then
    class_archive=("-XX:ArchiveClassesAtExit=$archive.tmp.$$" "-Xlog:cds*=off")
    class_archive_mode=write
  fi
}

# fresh_beside_jars FILE JAR...: FILE exists and no JAR is newer.
fresh_beside_jars() {
  local file=$1
  shift
  [ -f "$file" ] && [ -z "$(find "$@" -newer "$file" -print -quit)" ]
}

# class_archive_written ARCHIVE RC: after a run in class_archive_mode write or wait that exited RC.
class_archive_written() {
  local archive=$1 rc=$2
  if [ "$rc" = 0 ]; then
    [ ! -f "$archive.tmp.$$" ] || mv -f "$archive.tmp.$$" "$archive"
    rm -f "$archive.failed"
  elif [ -f "$archive.tmp.$$" ] && [ "$rc" != 130 ] && [ "$rc" != 143 ]; then
    # A run stopped by Ctrl-C or a signal (130, 143) says nothing of the next one
    touch "$archive.failed"
  fi
  rm -f "$archive.tmp.$$"
}

# Spark runs one task per core: a multi-threaded native BLAS inside each would oversubscribe.
local_spark_env() {
  export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}
  export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
}
