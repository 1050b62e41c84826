// Coded errors of the time module. The domain throws them; the edges (spec validator, CLI,
// services) turn them into messages with paths. None of them is retriable: the input is wrong.

export type TimeErrorCode = 'CRON_INVALID' | 'TIME_ZONE_INVALID' | 'INSTANT_INVALID' | 'DURATION_INVALID' | 'LOCAL_TIME_INVALID';

export class TimeError extends Error {
  readonly retriable = false;
  constructor(
    readonly code: TimeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TimeError';
  }
}

export class CronParseError extends TimeError {
  constructor(
    readonly expression: string,
    readonly reason: string,
  ) {
    super('CRON_INVALID', `invalid cron expression "${expression}": ${reason}`);
    this.name = 'CronParseError';
  }
}

export class UnknownTimeZoneError extends TimeError {
  constructor(readonly zone: string) {
    super('TIME_ZONE_INVALID', `unknown time zone "${zone}" (expected an IANA name such as "UTC" or "Europe/Berlin")`);
    this.name = 'UnknownTimeZoneError';
  }
}
