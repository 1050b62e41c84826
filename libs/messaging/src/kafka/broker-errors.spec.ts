import { isBrokerUnavailable } from './broker-errors';

const named = (name: string, message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { name, ...extra });

describe('isBrokerUnavailable', () => {
  it('is true for a broker that is down, restarting or unreachable, also behind kafkajs retries', () => {
    expect(isBrokerUnavailable(named('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 127.0.0.1:9092', { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isBrokerUnavailable(named('KafkaJSNoBrokerAvailableError', 'No broker available'))).toBe(true);
    expect(isBrokerUnavailable(named('KafkaJSProtocolError', 'There is no leader for this topic-partition', { type: 'LEADER_NOT_AVAILABLE' }))).toBe(true);
    const cause = named('KafkaJSConnectionClosedError', 'Closed connection');
    expect(isBrokerUnavailable(named('KafkaJSNumberOfRetriesExceeded', 'Closed connection', { cause }))).toBe(true);
  });

  it('is false for a request that is wrong whatever the broker does', () => {
    const cause = named('KafkaJSProtocolError', 'This server does not host this topic-partition', { type: 'UNKNOWN_TOPIC_OR_PARTITION' });
    expect(isBrokerUnavailable(named('KafkaJSNumberOfRetriesExceeded', 'This server does not host this topic-partition', { cause }))).toBe(false);
    expect(isBrokerUnavailable(named('KafkaJSProtocolError', 'The request included a message larger than the max message size', { type: 'MESSAGE_TOO_LARGE' }))).toBe(false);
    expect(isBrokerUnavailable('nope')).toBe(false);
  });
});
