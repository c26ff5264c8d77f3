/**
 * What the stream runtime logs through. Shaped like `console` and like Powertools' `Logger`, so
 * either can be passed as is.
 */
export interface StreamLogger {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

/** The default: the process's console (CloudWatch in Lambda, the terminal locally). */
export const consoleLogger: StreamLogger = console;
