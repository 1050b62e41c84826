/** Anything a code location opens and must close when it stops. */
export interface Closeable {
  close(): Promise<void>;
}
