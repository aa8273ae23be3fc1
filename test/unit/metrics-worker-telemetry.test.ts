import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { recordCheckOutcome } from '../../observability/check-outcomes';
import { createLogger } from '../../observability/logger';
import {
  createOtelInterceptors,
  installWorkerRuntime,
  OTLP_EXPORTER_PACKAGE,
} from '../../observability/worker-telemetry';

async function freePort(): Promise<number> {
  const srv = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => srv.once('listening', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

void describe('createOtelInterceptors', () => {
  void it('is off unless OTEL_EXPORTER is set', () => {
    assert.equal(createOtelInterceptors({}), undefined);
    assert.equal(createOtelInterceptors({ OTEL_EXPORTER: 'none' }), undefined);
  });

  void it('builds the Temporal OpenTelemetry plugin for the console exporter', async () => {
    const otel = createOtelInterceptors({ OTEL_EXPORTER: 'console' });
    assert.equal(otel?.plugin.name, 'OpenTelemetryPlugin');
    await otel?.shutdown();
  });

  void it('builds the plugin for the otlp exporter and fails clearly for unknown exporters', async () => {
    const otel = createOtelInterceptors({ OTEL_EXPORTER: 'otlp' });
    assert.equal(otel?.plugin.name, 'OpenTelemetryPlugin', `otlp needs ${OTLP_EXPORTER_PACKAGE}`);
    await otel?.shutdown();
    assert.throws(() => createOtelInterceptors({ OTEL_EXPORTER: 'zipkin' }), /'zipkin' is not supported/);
  });
});

void describe('installWorkerRuntime', () => {
  let shutdown: () => Promise<void> = async () => {};
  after(() => shutdown());

  void it('serves Core metrics, including outcomes recorded through the runtime meter, on the Prometheus address', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const sink = new Writable({ write: (_chunk, _enc, done) => done() });
    const { runtime, otel } = installWorkerRuntime({
      prometheusBindAddress: address,
      logger: createLogger({ name: 'test', destination: sink }),
      env: {},
    });
    shutdown = () => runtime.shutdown();
    assert.equal(otel, undefined);
    recordCheckOutcome(runtime.metricMeter, { provider: 'meld', status: 'TIMED_OUT', mfaRounds: 0 });
    let body = '';
    // Core's exporter publishes asynchronously; poll briefly instead of sleeping a fixed time.
    for (let i = 0; i < 50 && !body.includes('balance_check_outcomes_total'); i++) {
      body = await (await fetch(`http://${address}/metrics`)).text();
      if (!body.includes('balance_check_outcomes_total')) await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(
      body,
      /^balance_check_outcomes_total\{[^}]*provider="meld"[^}]*status="TIMED_OUT"[^}]*\} 1$/m,
    );
    assert.doesNotMatch(body, /balance_check_mfa_required_total\{[^}]*provider="meld"/);
  });
});
