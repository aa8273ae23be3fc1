// The SDK logger for bundling workflow code: webpack's progress lines are noise; errors still print.
const noop = () => undefined;

export const quietBundlerLogger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
  log: noop,
};
