import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import type { MetricMeter } from '@temporalio/common';
import {
  createApiMetrics,
  metricsHandler,
  metricsMiddleware,
  type ApiMetrics,
} from '../../observability/api-metrics';
import { recordCheckOutcome } from '../../observability/check-outcomes';

const sample = async (
  metrics: ApiMetrics,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> => {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  const match = (l: Record<string, unknown>) => Object.entries(labels).every(([k, v]) => String(l[k]) === v);
  return metric?.values.find((v) => match(v.labels))?.value;
};

void describe('API metrics middleware', () => {
  const metrics = createApiMetrics();
  let url = '';
  let server: Server;

  before(async () => {
    const app = express();
    app.use(metricsMiddleware(metrics));
    const checks = express.Router();
    checks.get(
      '/:checkId',
      (req, res) => void res.status(req.params.checkId === 'missing' ? 404 : 200).json({}),
    );
    app.use('/v1/checks', checks);
    app.get('/metrics', metricsHandler(metrics));
    server = app.listen(0);
    await new Promise<void>((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  void it('labels by route template and status, never by raw URL', async () => {
    for (const id of ['a1', 'b2', 'c3', 'missing']) await (await fetch(`${url}/v1/checks/${id}`)).text();
    await (await fetch(`${url}/no/such/path/123`)).text();
    await (await fetch(`${url}/v1/checks/a1`, { method: 'PROPFIND' })).text();

    assert.equal(
      await sample(metrics, 'http_requests_total', {
        route: '/v1/checks/:checkId',
        method: 'GET',
        status: '200',
      }),
      3,
    );
    assert.equal(
      await sample(metrics, 'http_requests_total', {
        route: '/v1/checks/:checkId',
        method: 'GET',
        status: '404',
      }),
      1,
    );
    assert.equal(
      await sample(metrics, 'http_requests_total', { route: 'unmatched', method: 'GET', status: '404' }),
      1,
    );
    assert.equal(await sample(metrics, 'http_requests_total', { route: 'unmatched', method: 'OTHER' }), 1);
    const routes = (await metrics.httpRequests.get()).values.map((v) => String(v.labels.route));
    assert.ok(
      routes.every((r) => !/a1|b2|c3|123/.test(r)),
      `raw URL leaked into labels: ${routes.join(', ')}`,
    );
    const count = await metrics.registry.getSingleMetric('http_request_duration_seconds')?.get();
    // Histogram values carry metricName (…_bucket/_sum/_count) at run time, though the type omits it.
    const histCount = count?.values.find(
      (v) =>
        (v as { metricName?: string }).metricName === 'http_request_duration_seconds_count' &&
        v.labels.route === '/v1/checks/:checkId',
    );
    assert.equal(histCount?.value, 4);
  });

  void it('serves the named series and default process metrics on /metrics', async () => {
    metrics.webhooksReceived.inc({ provider: 'mx', outcome: 'accepted' });
    metrics.checksStarted.inc({ provider: 'meld' });
    recordCheckOutcome(metrics, { provider: 'mx', status: 'COMPLETED', mfaRounds: 1 });
    const res = await fetch(`${url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const body = await res.text();
    for (const series of [
      /^http_requests_total\{route="\/v1\/checks\/:checkId",method="GET",status="200"\} 3$/m,
      /^http_request_duration_seconds_bucket\{le="0\.005",route=/m,
      /^webhooks_received_total\{provider="mx",outcome="accepted"\} 1$/m,
      /^balance_checks_started_total\{provider="meld"\} 1$/m,
      /^balance_check_outcomes_total\{provider="mx",status="COMPLETED"\} 1$/m,
      /^balance_check_mfa_required_total\{provider="mx"\} 1$/m,
      /^process_cpu_user_seconds_total /m,
    ]) {
      assert.match(body, series);
    }
  });
});

void describe('recordCheckOutcome', () => {
  void it('counts every outcome but MFA only when a round happened, in fresh registries', async () => {
    const metrics = createApiMetrics();
    recordCheckOutcome(metrics, { provider: 'spinwheel', status: 'FAILED', mfaRounds: 0 });
    recordCheckOutcome(metrics, { provider: 'spinwheel', status: 'FAILED', mfaRounds: 0 });
    recordCheckOutcome(metrics, { provider: 'spinwheel', status: 'COMPLETED', mfaRounds: 2 });
    assert.equal(
      await sample(metrics, 'balance_check_outcomes_total', { provider: 'spinwheel', status: 'FAILED' }),
      2,
    );
    assert.equal(
      await sample(metrics, 'balance_check_outcomes_total', { provider: 'spinwheel', status: 'COMPLETED' }),
      1,
    );
    assert.equal(await sample(metrics, 'balance_check_mfa_required_total', { provider: 'spinwheel' }), 1);
    assert.equal(await sample(createApiMetrics(), 'balance_check_outcomes_total', {}), undefined);
  });

  void it('emits the same series through a Temporal MetricMeter (workflow/activity call site)', () => {
    const added: Array<[string, number, Record<string, unknown> | undefined]> = [];
    const meter = {
      createCounter: (name: string) => ({
        add: (v: number, tags?: Record<string, unknown>) => void added.push([name, v, tags]),
      }),
    } as unknown as MetricMeter;
    recordCheckOutcome(meter, { provider: 'mx', status: 'ACTION_REQUIRED', mfaRounds: 1 });
    assert.deepEqual(added, [
      ['balance_check_outcomes_total', 1, { provider: 'mx', status: 'ACTION_REQUIRED' }],
      ['balance_check_mfa_required_total', 1, { provider: 'mx' }],
    ]);
  });
});
