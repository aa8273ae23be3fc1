// What Prometheus would see: the worker's Core endpoint (SDK series + the workflow's outcome counters)
// and the API's /metrics, scraped before and after real checks ran through the stack.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { installWorkerRuntime } from '../../observability/worker-telemetry';
import { freePort } from '../../scripts/dev-server';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

type Samples = { name: string; labels: Record<string, string>; value: number }[];

/** Prometheus text format → samples (enough of the format for these endpoints). */
function parseMetrics(text: string): Samples {
  const samples: Samples = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || line.startsWith('#')) continue;
    const labels = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]),
    );
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/** Sum of a series over every label set that includes `labels`. */
function total(samples: Samples, name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

const has = (samples: Samples, name: string) => samples.some((s) => s.name === name);

describe('metrics: worker and API endpoints move when checks run', () => {
  let stack: TestStack;
  let workerMetricsUrl = '';
  const scrape = async (url: string) => {
    const res = await fetch(url);
    assert.equal(res.status, 200, url);
    return parseMetrics(await res.text());
  };
  before(async () => {
    const port = await freePort();
    // Before any connection: the Runtime (and its Prometheus endpoint) is per process.
    installWorkerRuntime({ prometheusBindAddress: `127.0.0.1:${port}`, otel: false });
    workerMetricsUrl = `http://127.0.0.1:${port}/metrics`;
    stack = await startTestStack({ providers: ['mx'] });
  });
  after(async () => {
    await stack?.stop();
  });

  it('outcome counters (worker), SDK series, HTTP/webhook/start counters (API) all increase', async () => {
    const workerBefore = await scrape(workerMetricsUrl);
    const apiBefore = await scrape(`${stack.apiUrl}/metrics`);

    const connected = await stack.api(
      'POST',
      '/v1/balance-checks',
      { provider: 'mx', resource: { userId: 'USR-sandbox', memberId: 'MBR-connected' } },
      { prefer: 'wait=30' },
    );
    assert.equal(connected.status, 200, JSON.stringify(connected.body));
    const challenged = await stack.api('POST', '/v1/balance-checks', {
      provider: 'mx',
      resource: { userId: 'USR-sandbox', memberId: 'MBR-challenge' },
    });
    let view: any;
    await waitFor(
      async () =>
        (view = (await stack.api('GET', `/v1/balance-checks/${challenged.body.id}`)).body).phase ===
        'WAITING_FOR_MFA',
    );
    const mfa = await stack.api('POST', `/v1/balance-checks/${challenged.body.id}/mfa`, {
      answers: [{ challengeId: view.challenges[0].id, value: 'correct' }],
    });
    assert.equal(mfa.status, 200, JSON.stringify(mfa.body));
    await waitFor(
      async () => (await stack.api('GET', `/v1/balance-checks/${challenged.body.id}`)).body.phase === 'DONE',
    );

    // Core exports the workflow meter's counters after the completing activation: poll briefly.
    const completed = { provider: 'mx', status: 'COMPLETED' };
    let workerAfter: Samples = [];
    await waitFor(async () => {
      workerAfter = await scrape(workerMetricsUrl);
      return (
        total(workerAfter, 'balance_check_outcomes_total', completed) -
          total(workerBefore, 'balance_check_outcomes_total', completed) >=
        2
      );
    }, 15_000);
    const delta = (name: string, labels?: Record<string, string>) =>
      total(workerAfter, name, labels) - total(workerBefore, name, labels);
    assert.equal(
      delta('balance_check_outcomes_total', completed),
      2,
      'two COMPLETED outcomes counted once each',
    );
    assert.equal(delta('balance_check_mfa_required_total', { provider: 'mx' }), 1, 'one check needed MFA');
    for (const sdkSeries of [
      'temporal_workflow_completed',
      'temporal_activity_execution_latency_count',
      'temporal_workflow_task_execution_latency_count',
    ]) {
      assert.ok(has(workerAfter, sdkSeries), `worker exports ${sdkSeries}`);
      assert.ok(delta(sdkSeries) > 0, `${sdkSeries} moved`);
    }

    const apiAfter = await scrape(`${stack.apiUrl}/metrics`);
    const apiDelta = (name: string, labels?: Record<string, string>) =>
      total(apiAfter, name, labels) - total(apiBefore, name, labels);
    assert.equal(apiDelta('balance_checks_started_total', { provider: 'mx' }), 2);
    assert.ok(
      apiDelta('http_requests_total', { method: 'POST', status: '200' }) >= 2,
      'POSTs counted by route template',
    );
    assert.ok(
      apiAfter.some((s) => s.name === 'http_requests_total' && s.labels.route === '/v1/balance-checks/:id'),
      'route templates, not raw ids',
    );
    assert.ok(apiDelta('http_request_duration_seconds_count') > 0);
    assert.ok(
      apiDelta('webhooks_received_total', { provider: 'mx' }) > 0,
      'the simulator webhooks were counted',
    );
    assert.ok(has(apiAfter, 'process_cpu_seconds_total'), 'default process metrics');
  });
});
