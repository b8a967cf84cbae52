#!/usr/bin/env bash
# Reproduces every figure in docs/benchmarks.md, on this machine: builds the benchmarks module, runs the JMH decoder
# benchmark and the load harness, writes their JSON under benchmarks/results/, then regenerates docs/benchmarks.svg
# and the generated sections of docs/benchmarks.md from that JSON. Not part of CI (CI runs each benchmark once, for
# a moment, inside ./mvnw verify). About 12 minutes with the defaults below.
#
# Every duration is a variable; override on the command line, e.g. on a quiet machine:
#   PAIRS=20 SEGMENT_MS=8000 benchmarks/run-all.sh
# Only one part:  SKIP_JMH=1 benchmarks/run-all.sh   or   SKIP_LOAD=1 benchmarks/run-all.sh
# Only the docs from the JSON already there:  SKIP_JMH=1 SKIP_LOAD=1 SKIP_BUILD=1 benchmarks/run-all.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# Load harness (LoadOptions in benchmarks/src/main/java/.../load): 5 comparisons x PAIRS x 2 runs of
# (SETTLE_MS + SEGMENT_MS), plus 2 warm-up runs of WARMUP_MS per comparison.
PAIRS=${PAIRS:-12}
SEGMENT_MS=${SEGMENT_MS:-4000}
SETTLE_MS=${SETTLE_MS:-300}
WARMUP_MS=${WARMUP_MS:-5000}
CHURN_CONNECTIONS=${CHURN_CONNECTIONS:-32}
KEEPALIVE_CONNECTIONS=${KEEPALIVE_CONNECTIONS:-32}
CLIENT_THREADS=${CLIENT_THREADS:-1}
HEADER=${HEADER:-v2}                              # v2 (binary, IPv4) or v1 (text, TCP4)
JETTY_HANDLER=${JETTY_HANDLER:-blocking}          # blocking (servlet-like) or non-blocking (Jetty's fast path)
SERVER_JVM_ARGS=${SERVER_JVM_ARGS:--Xms512m -Xmx512m}
CLIENT_JVM_ARGS=${CLIENT_JVM_ARGS:--Xms512m -Xmx512m}
# JMH: the benchmark's own defaults (3 x 1 s warm-up, 5 x 1 s measurement, 1 fork) unless given here.
JMH_ARGS=${JMH_ARGS:--wi 3 -i 5 -w 1 -r 1 -f 2}   # 2 forks × 5 × 1 s per benchmark, about 5 minutes

RESULTS=benchmarks/results
JAR=benchmarks/target/benchmarks.jar
mkdir -p "$RESULTS"

if [ -z "${SKIP_BUILD:-}" ]; then
  ./mvnw -B -q -pl benchmarks -am package -DskipTests
fi

jmh_command="java -jar $JAR DecoderBenchmark -prof gc -rf json -rff $RESULTS/jmh-decoder.json${JMH_ARGS:+ $JMH_ARGS}"
load_command="java $CLIENT_JVM_ARGS -cp $JAR io.github.proxyproto4j.benchmarks.load.LoadHarness --pairs=$PAIRS"
load_command+=" --segment-ms=$SEGMENT_MS --settle-ms=$SETTLE_MS --warmup-ms=$WARMUP_MS"
load_command+=" --churn-connections=$CHURN_CONNECTIONS --keepalive-connections=$KEEPALIVE_CONNECTIONS"
load_command+=" --client-threads=$CLIENT_THREADS --header=$HEADER --jetty-handler=$JETTY_HANDLER"
load_command+=" --out=$RESULTS/load.json"

# What the docs say about how and where the figures were made; one file per part, written when the part runs.
machine_info() {
  local part=$1 command=$2 started=$3
  python3 - "$part" "$command" "$started" <<'PY'
import json, os, platform, subprocess, sys
part, command, started = sys.argv[1:4]
def first(path, key):
    try:
        for line in open(path):
            if line.startswith(key):
                return line.split(':', 1)[1].strip() if ':' in line else line.split('=', 1)[1].strip().strip('"')
    except OSError:
        pass
    return 'unknown'
java = subprocess.run(['java', '-version'], capture_output=True, text=True).stderr.strip().splitlines()
info = {
    'part': part, 'command': command, 'started': started,
    'finished': subprocess.run(['date', '-u', '+%Y-%m-%dT%H:%M:%SZ'], capture_output=True, text=True).stdout.strip(),
    'nproc': os.cpu_count(), 'cpuModel': first('/proc/cpuinfo', 'model name'),
    'memTotal': first('/proc/meminfo', 'MemTotal'), 'os': first('/etc/os-release', 'PRETTY_NAME'),
    'kernel': platform.release(), 'java': java,
    'loadAverage': open('/proc/loadavg').read().split()[:3] if os.path.exists('/proc/loadavg') else None,
}
json.dump(info, open(f'benchmarks/results/run-{part}.json', 'w'), indent=2)
PY
}

if [ -z "${SKIP_JMH:-}" ]; then
  started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  echo "$jmh_command"
  $jmh_command
  machine_info jmh "$jmh_command" "$started"
fi

if [ -z "${SKIP_LOAD:-}" ]; then
  started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  echo "$load_command"
  # SERVER_JVM_ARGS holds spaces: passed as one argument, not through $load_command's word splitting.
  $load_command "--server-jvm-args=$SERVER_JVM_ARGS"
  machine_info load "$load_command --server-jvm-args='$SERVER_JVM_ARGS'" "$started"
fi

python3 benchmarks/chart.py --results "$RESULTS" --svg docs/benchmarks.svg --doc docs/benchmarks.md
echo "Updated docs/benchmarks.svg and the generated sections of docs/benchmarks.md from $RESULTS/"
