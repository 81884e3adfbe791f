#!/bin/sh
# Create (or re-configure) the topics listed in topics.txt. Idempotent: safe on every `up`.
# Runs inside the apache/kafka image as the one-shot `kafka-init` service.
set -eu

BOOTSTRAP="${BOOTSTRAP_SERVERS:-kafka:9092}"
TOPICS_FILE="${TOPICS_FILE:-/deploy/kafka/topics.txt}"
DEFAULT_PARTITIONS="${TOPIC_PARTITIONS:-12}"
REPLICATION="${TOPIC_REPLICATION_FACTOR:-1}"
BIN="${KAFKA_BIN:-/opt/kafka/bin}"
CONFIGS="retention.ms=-1,retention.bytes=-1,cleanup.policy=delete"

echo "waiting for kafka at ${BOOTSTRAP}"
tries=0
until "${BIN}/kafka-topics.sh" --bootstrap-server "${BOOTSTRAP}" --list >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "${tries}" -ge 60 ]; then
    echo "kafka not reachable at ${BOOTSTRAP}" >&2
    exit 1
  fi
  sleep 2
done

grep -v '^[[:space:]]*#' "${TOPICS_FILE}" | while read -r topic partitions _rest; do
  [ -n "${topic:-}" ] || continue
  partitions="${partitions:-${DEFAULT_PARTITIONS}}"
  "${BIN}/kafka-topics.sh" --bootstrap-server "${BOOTSTRAP}" --create --if-not-exists \
    --topic "${topic}" --partitions "${partitions}" --replication-factor "${REPLICATION}" \
    --config retention.ms=-1 --config retention.bytes=-1 --config cleanup.policy=delete
  # An existing topic keeps its partitions; make sure its retention is still "keep everything".
  "${BIN}/kafka-configs.sh" --bootstrap-server "${BOOTSTRAP}" --alter \
    --entity-type topics --entity-name "${topic}" --add-config "${CONFIGS}" >/dev/null
  echo "topic ${topic}: partitions=${partitions} replication=${REPLICATION} ${CONFIGS}"
done

"${BIN}/kafka-topics.sh" --bootstrap-server "${BOOTSTRAP}" --describe --topics-with-overrides
