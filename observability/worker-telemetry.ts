import type { Logger as TemporalLogger, LogLevel, LogMetadata } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';
import { Resource } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { Logger as PinoLogger } from 'pino';

export const OTLP_EXPORTER_PACKAGE = '@opentelemetry/exporter-trace-otlp-http';

export interface OtelSetup {
  /** Pass to `Worker.create({ plugins })` and `new Client({ plugins })`: adds client, activity and workflow interceptors plus the workflow span sink. */
  plugin: OpenTelemetryPlugin;
  /** Flush and stop exporting; call after the worker has shut down. */
  shutdown(): Promise<void>;
}

/**
 * Tracing stays off unless OTEL_EXPORTER is set: `console` (dev, prints spans) or `otlp`
 * (needs the OTLP exporter package; it reads OTEL_EXPORTER_OTLP_ENDPOINT itself).
 */
export function createOtelInterceptors(
  env: Record<string, string | undefined> = process.env,
  serviceName = env.OTEL_SERVICE_NAME ?? 'balance-check',
): OtelSetup | undefined {
  const kind = env.OTEL_EXPORTER?.trim().toLowerCase();
  if (!kind || kind === 'none') return undefined;
  let spanProcessor: SpanProcessor;
  if (kind === 'console') {
    spanProcessor = new SimpleSpanProcessor(new ConsoleSpanExporter());
  } else if (kind === 'otlp') {
    spanProcessor = new BatchSpanProcessor(loadOtlpExporter());
  } else {
    throw new Error(`OTEL_EXPORTER='${kind}' is not supported; use 'console', 'otlp' or leave it unset`);
  }
  const resource = new Resource({ 'service.name': serviceName });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // Registers the global tracer provider and the W3C propagator; without the propagator the
  // interceptors cannot carry trace context from the API's client into workflows and activities.
  provider.register();
  return {
    plugin: new OpenTelemetryPlugin({ resource, spanProcessor }),
    shutdown: () => provider.shutdown(),
  };
}

function loadOtlpExporter(): SpanExporter {
  let mod: { OTLPTraceExporter: new () => SpanExporter };
  try {
    // Optional dependency, resolved at run time so the project compiles without it.
    mod = require(OTLP_EXPORTER_PACKAGE); // eslint-disable-line @typescript-eslint/no-require-imports
  } catch {
    throw new Error(
      `OTEL_EXPORTER=otlp needs the npm package ${OTLP_EXPORTER_PACKAGE} (0.57.x, matching sdk-trace-base 1.30)`,
    );
  }
  return new mod.OTLPTraceExporter();
}

/** Adapts pino to the SDK's Logger so SDK, workflow and activity logs share one JSON stream. */
export function temporalLoggerFromPino(log: PinoLogger): TemporalLogger {
  const at = (level: LogLevel) => (message: string, meta?: LogMetadata) =>
    log[level.toLowerCase() as Lowercase<LogLevel>](meta ?? {}, message);
  return {
    log: (level, message, meta) => at(level)(message, meta),
    trace: at('TRACE'),
    debug: at('DEBUG'),
    info: at('INFO'),
    warn: at('WARN'),
    error: at('ERROR'),
  };
}

export interface WorkerRuntimeOptions {
  /** e.g. `0.0.0.0:9464`: Core serves SDK metrics (and workflow `metricMeter` series) at /metrics there. */
  prometheusBindAddress?: string;
  logger?: PinoLogger;
  /** Build tracing per OTEL_EXPORTER; defaults to on when OTEL_EXPORTER is set. */
  otel?: boolean;
  env?: Record<string, string | undefined>;
}

/** Must run once, before any NativeConnection or Worker is created (Runtime is a process singleton). */
export function installWorkerRuntime({
  prometheusBindAddress,
  logger,
  otel,
  env = process.env,
}: WorkerRuntimeOptions = {}): {
  runtime: Runtime;
  otel: OtelSetup | undefined;
} {
  const runtime = Runtime.install({
    ...(logger ? { logger: temporalLoggerFromPino(logger) } : {}),
    telemetryOptions: {
      // Forward Core's own (Rust) logs into the same logger instead of raw stderr lines.
      ...(logger ? { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } } : {}),
      ...(prometheusBindAddress ? { metrics: { prometheus: { bindAddress: prometheusBindAddress } } } : {}),
    },
  });
  return { runtime, otel: otel === false ? undefined : createOtelInterceptors(env) };
}
