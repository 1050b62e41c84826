// Which kafkajs failures mean "the broker is not there (yet)" rather than "this request is
// wrong": connections refused, closed or timed out, no broker or leader to talk to, metadata
// still loading after a restart. Those are worth waiting out; anything else (an unknown topic, a
// message too large, bad credentials) fails at once.
import { isUnavailable } from '../errors';

const UNAVAILABLE_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSBrokerNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSLockTimeout',
]);

// Protocol error types a broker answers while it (or a partition leader) is restarting.
const UNAVAILABLE_TYPES = new Set([
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'NOT_LEADER_OR_FOLLOWER',
  'NOT_COORDINATOR',
  'COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'KAFKA_STORAGE_ERROR',
]);

const UNAVAILABLE_MESSAGES = [/the producer is disconnected/i, /no broker available/i, /connection (error|timeout|closed)/i, /closed connection/i];

export function isBrokerUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const fields = error as { name?: unknown; type?: unknown; message?: unknown; cause?: unknown };
  if (typeof fields.name === 'string' && UNAVAILABLE_NAMES.has(fields.name)) return true;
  if (typeof fields.type === 'string' && UNAVAILABLE_TYPES.has(fields.type)) return true;
  if (typeof fields.message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(fields.message as string))) return true;
  // KafkaJSNumberOfRetriesExceeded and friends carry the last failure as `cause`.
  return isUnavailable(error) || isBrokerUnavailable(fields.cause, depth + 1);
}
