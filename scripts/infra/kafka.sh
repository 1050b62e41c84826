# shellcheck shell=bash
# Kafka for scripts/infra.sh (sourced): Apache Kafka from Maven Central jars, KRaft, one combined
# broker+controller on 127.0.0.1:9092 (controller on 9093). Everything lives in .cache/kafka:
#   libs/               the runtime jars (fetched once per infra/kafka/pom.xml content)
#   server.properties   rendered from infra/kafka/server.properties.template
#   cluster.id          generated once; the storage in data/ is formatted with it
#   data/               the log directory
#   kafka.pid, server.log

KAFKA_DIR="$ROOT/.cache/kafka"
KAFKA_LIBS="$KAFKA_DIR/libs"
KAFKA_PID_FILE="$KAFKA_DIR/kafka.pid"
KAFKA_LOG="$KAFKA_DIR/server.log"
KAFKA_POM="$ROOT/infra/kafka/pom.xml"
KAFKA_BROKERS="${FRESHET_KAFKA_BROKERS:-127.0.0.1:9092}"
KAFKA_WAIT_SECONDS="${FRESHET_KAFKA_WAIT_SECONDS:-90}"
KAFKA_LOG4J="-Dlog4j.configuration=file:$ROOT/infra/kafka/log4j.properties"
# Heap and GC as in the tech notes: 768 MB is plenty for tests on a 2-core machine. C1 only
# (TieredStopAtLevel=1) trades peak throughput for a start-up several seconds faster.
KAFKA_JVM_OPTS=(-Xms256m -Xmx768m -XX:+UseG1GC -XX:MaxGCPauseMillis=20
  -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent
  -XX:TieredStopAtLevel=1 -Djava.awt.headless=true "$KAFKA_LOG4J")

KAFKA_STATE=""   # started | reused | external, set by kafka_up_begin
KAFKA_NOTES=""   # timings of the steps taken, for the summary line
KAFKA_T0=""
KAFKA_LAUNCHED_AT=""

kafka_is_external() { [[ -n "${FRESHET_KAFKA_BROKERS:-}" ]]; }

# The pid of the broker started from this checkout, if it is still alive.
kafka_pid() {
  [[ -f "$KAFKA_PID_FILE" ]] || return 1
  local pid
  pid=$(<"$KAFKA_PID_FILE")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  # A recycled pid belongs to some other program: check it is really our broker.
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
  printf '%s' "$pid"
}

kafka_version() {
  local jar
  jar=$(find "$KAFKA_LIBS" -maxdepth 1 -name 'kafka_2.13-*.jar' -printf '%f\n' 2>/dev/null | head -n 1)
  jar=${jar#kafka_2.13-}
  printf '%s' "${jar%.jar}"
}

# Copies the broker's runtime jars into .cache/kafka/libs, unless the copy for this very pom is
# already there (a stamp of the pom's hash, written last, marks a complete copy).
kafka_fetch_jars() {
  local stamp="$KAFKA_LIBS/.pom.sha256" want
  want=$(sha256sum "$KAFKA_POM" | cut -d' ' -f1)
  if [[ -f "$stamp" && "$(<"$stamp")" == "$want" ]]; then
    KAFKA_NOTES+="jars cached"
    return 0
  fi
  local t tmp="$KAFKA_DIR/libs.partial"
  t=$(now_ms)
  say "kafka     fetching jars with Maven (infra/kafka/pom.xml)"
  rm -rf "$tmp"
  if ! mvn -B -q -f "$KAFKA_POM" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$tmp" >"$KAFKA_DIR/mvn.log" 2>&1 </dev/null; then
    show_tail "$KAFKA_DIR/mvn.log"
    die "Kafka jars could not be fetched with Maven; see $(rel "$KAFKA_DIR/mvn.log")"
  fi
  ls "$tmp"/kafka_2.13-*.jar >/dev/null 2>&1 || die "Maven finished but no kafka_2.13 jar is in $(rel "$tmp")"
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
  printf '%s\n' "$want" >"$stamp"
  KAFKA_NOTES+="jars $(elapsed_since "$t") s"
}

# server.properties from the template: Kafka does not expand ${...}, so substitute here.
kafka_render_config() {
  local template
  template=$(<"$ROOT/infra/kafka/server.properties.template")
  # shellcheck disable=SC2016 # the literal text ${FRESHET_KAFKA_DIR} is what gets replaced
  printf '%s\n' "${template//'${FRESHET_KAFKA_DIR}'/$KAFKA_DIR}" >"$KAFKA_DIR/server.properties"
}

kafka_cluster_id() {
  local file="$KAFKA_DIR/cluster.id"
  if [[ ! -s "$file" ]]; then
    # A v4 UUID as unpadded base64url (22 characters), what `kafka-storage random-uuid` prints,
    # made in Node so no JVM has to start for it.
    node -e "process.stdout.write(Buffer.from(require('node:crypto').randomUUID().replaceAll('-', ''), 'hex').toString('base64url'))" >"$file"
  fi
  cat "$file"
}

kafka_format() {
  local t
  t=$(now_ms)
  if ! java "$KAFKA_LOG4J" -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool format \
    -t "$(kafka_cluster_id)" -c "$KAFKA_DIR/server.properties" --ignore-formatted \
    >"$KAFKA_DIR/format.log" 2>&1 </dev/null; then
    show_tail "$KAFKA_DIR/format.log"
    die "Kafka storage could not be formatted; see $(rel "$KAFKA_DIR/format.log")"
  fi
  KAFKA_NOTES+=", format $(elapsed_since "$t") s"
}

kafka_start() {
  [[ -f "$KAFKA_LOG" ]] && mv -f "$KAFKA_LOG" "$KAFKA_LOG.previous"
  # setsid: the broker outlives this script and is not killed with the caller's process group
  # (a test runner's Ctrl-C). No job control in a script, so setsid execs and $! is java's pid.
  (cd "$KAFKA_DIR" && exec setsid java "${KAFKA_JVM_OPTS[@]}" -cp "$KAFKA_LIBS/*" kafka.Kafka \
    "$KAFKA_DIR/server.properties" </dev/null >"$KAFKA_LOG" 2>&1) &
  printf '%s\n' "$!" >"$KAFKA_PID_FILE"
  KAFKA_LAUNCHED_AT=$(now_ms)
}

# Starts the broker when needed, without waiting for it (kafka_up_finish waits).
kafka_up_begin() {
  KAFKA_T0=$(now_ms)
  KAFKA_NOTES=""
  if kafka_is_external; then
    KAFKA_STATE=external
    return 0
  fi
  mkdir -p "$KAFKA_DIR/data"
  # The jars are fetched even when a broker already answers: the fault suite starts private
  # brokers from them (a no-op when they are there).
  kafka_fetch_jars
  if kafka_pid >/dev/null; then
    KAFKA_STATE=reused
    return 0
  fi
  if port_open 127.0.0.1 9092; then
    # A broker this checkout did not start (another clone's, or one whose pid file is gone).
    KAFKA_STATE=foreign
    return 0
  fi
  kafka_render_config
  kafka_format
  kafka_start
  KAFKA_STATE=started
}

kafka_up_finish() {
  local answer t pid_args=()
  t=$(now_ms)
  if [[ "$KAFKA_STATE" == started || "$KAFKA_STATE" == reused ]]; then
    pid_args=(--pid "$(kafka_pid || echo 0)")
  fi
  if ! answer=$(node "$WAIT_JS" kafka "$KAFKA_BROKERS" "$KAFKA_WAIT_SECONDS" "${pid_args[@]}" 2>"$INFRA_CACHE/kafka-wait.err"); then
    local why
    why=$(<"$INFRA_CACHE/kafka-wait.err")
    case "$KAFKA_STATE" in
      external) die "Kafka did not answer on $KAFKA_BROKERS (FRESHET_KAFKA_BROKERS) within $KAFKA_WAIT_SECONDS s: $why" ;;
      foreign) die "something listens on 127.0.0.1:9092 but does not answer as Kafka within $KAFKA_WAIT_SECONDS s ($why); stop it or set FRESHET_KAFKA_BROKERS" ;;
      *)
        show_errors "$KAFKA_LOG"
        show_tail "$KAFKA_LOG" 10
        if ! kafka_pid >/dev/null; then
          die "Kafka exited during start-up; see $(rel "$KAFKA_LOG")"
        fi
        die "Kafka did not answer on $KAFKA_BROKERS within $KAFKA_WAIT_SECONDS s; see $(rel "$KAFKA_LOG") ($why)"
        ;;
    esac
  fi
  case "$KAFKA_STATE" in
    external) line kafka "external $KAFKA_BROKERS answers ($answer) in $(elapsed_since "$KAFKA_T0") s" ;;
    reused) line kafka "already running (pid $(kafka_pid)), Apache Kafka $(kafka_version) on $KAFKA_BROKERS, answers in $(elapsed_since "$t") s" ;;
    foreign) line kafka "already running on $KAFKA_BROKERS (not started from this checkout), answers in $(elapsed_since "$t") s" ;;
    started) line kafka "started Apache Kafka $(kafka_version) (pid $(kafka_pid)) on $KAFKA_BROKERS in $(elapsed_since "$KAFKA_T0") s ($KAFKA_NOTES, answering $(elapsed_since "$KAFKA_LAUNCHED_AT") s after launch; log $(rel "$KAFKA_LOG"))" ;;
    *) die "internal: unknown Kafka state '$KAFKA_STATE'" ;;
  esac
}

kafka_down() {
  if kafka_is_external; then
    line kafka "external ($KAFKA_BROKERS): nothing to stop"
    return 0
  fi
  local pid t
  if ! pid=$(kafka_pid); then
    rm -f "$KAFKA_PID_FILE"
    if port_open 127.0.0.1 9092; then
      line kafka "left running: the broker on 127.0.0.1:9092 was not started from this checkout"
    else
      line kafka "not running"
    fi
    return 0
  fi
  t=$(now_ms)
  # TERM makes a controlled shutdown (flushes logs, no recovery on the next start).
  kill -TERM "$pid" 2>/dev/null || true
  local waited=0
  while kill -0 "$pid" 2>/dev/null && ((waited < 600)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    line kafka "did not stop within 60 s of TERM; killed (pid $pid)"
  else
    line kafka "stopped (pid $pid) in $(elapsed_since "$t") s"
  fi
  rm -f "$KAFKA_PID_FILE"
}

kafka_status() {
  local answer pid
  if answer=$(node "$WAIT_JS" kafka "$KAFKA_BROKERS" 3 2>/dev/null); then
    if kafka_is_external; then
      line kafka "up (external $KAFKA_BROKERS): $answer"
    elif pid=$(kafka_pid); then
      line kafka "up: Apache Kafka $(kafka_version) on $KAFKA_BROKERS, pid $pid, $answer"
    else
      line kafka "up on $KAFKA_BROKERS (not started from this checkout): $answer"
    fi
    return 0
  fi
  if ! kafka_is_external && pid=$(kafka_pid); then
    line kafka "down: process $pid is alive but does not answer on $KAFKA_BROKERS (starting, or see $(rel "$KAFKA_LOG"))"
  else
    line kafka "down ($KAFKA_BROKERS)"
  fi
  return 1
}
