import { InvalidRecordError } from './errors';
import { RecordTypes, type NewOutboxMessage, type NewRecord } from './event-log.port';

const NEEDS_ASSET: ReadonlySet<string> = new Set([RecordTypes.materialization, RecordTypes.observation, RecordTypes.assetFailed]);
const NEEDS_RUN: ReadonlySet<string> = new Set([RecordTypes.request, RecordTypes.runStarted, RecordTypes.runCompleted, RecordTypes.runFailed]);

/** Checks every record before anything is written, so a bad batch leaves no partial trace. */
export function validateRecords(records: readonly NewRecord[]): void {
  for (const record of records) {
    const fail = (reason: string): never => {
      throw new InvalidRecordError(record.eventId, reason);
    };
    if (typeof record.eventId !== 'string' || record.eventId === '') fail('eventId must be a non-empty string');
    if (typeof record.type !== 'string' || record.type === '') fail('type must be a non-empty string');
    if (!Number.isFinite(record.occurredAt)) fail('occurredAt must be epoch milliseconds');
    if (record.payload === undefined) fail('payload is required (use null for none)');
    if (NEEDS_ASSET.has(record.type) && !record.assetKey) fail(`a ${record.type} record needs an assetKey`);
    if (NEEDS_RUN.has(record.type) && !record.runId) fail(`a ${record.type} record needs a runId`);
  }
}

export function validateOutbox(messages: readonly NewOutboxMessage[]): void {
  for (const message of messages) {
    if (message.topic === '') throw new InvalidRecordError(message.eventId, 'outbox message needs a topic');
    if (message.eventId === '') throw new InvalidRecordError(message.eventId, 'outbox message needs an eventId');
  }
}
