// The little logging the adapters do; Nest's Logger, console or a test spy fit it.
export interface BusLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const consoleBusLogger: BusLogger = {
  log: (message) => console.log(message),
  warn: (message) => console.warn(message),
  error: (message) => console.error(message),
};

export const silentBusLogger: BusLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };
