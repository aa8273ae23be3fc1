import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../observability/logger';

function capture(): { lines: Array<Record<string, unknown>>; write: (s: string) => void } {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, write: (s) => void lines.push(JSON.parse(s) as Record<string, unknown>) };
}

void describe('createLogger', () => {
  void it('redacts credentials and MFA answers but keeps the rest of the record', () => {
    const out = capture();
    const log = createLogger({ name: 'api', destination: out });
    log.info(
      {
        req: { method: 'POST', headers: { authorization: 'Bearer abc', host: 'x' } },
        provider: { name: 'mx', apiKey: 'AK-1', secret: 'S-1' },
        password: 'hunter2',
        answers: [{ id: 'q1', value: '123456' }],
        mfa: { answers: [{ id: 'q2', value: 'blue' }] },
        body: { answers: [{ id: 'q3', value: '9999' }] },
      },
      'challenge answered',
    );
    const text = JSON.stringify(out.lines);
    for (const secret of ['Bearer abc', 'AK-1', 'S-1', 'hunter2', '123456', 'blue', '9999']) {
      assert.ok(!text.includes(secret), `leaked ${secret}`);
    }
    const [line] = out.lines;
    assert.equal(line?.msg, 'challenge answered');
    assert.deepEqual(line?.provider, { name: 'mx', apiKey: '[REDACTED]', secret: '[REDACTED]' });
    assert.deepEqual(line?.answers, [{ id: 'q1', value: '[REDACTED]' }]);
  });

  void it('writes ISO timestamps, level labels and the logger name, and honours the level', () => {
    const out = capture();
    const log = createLogger({ name: 'worker', level: 'warn', destination: out });
    log.info('dropped');
    log.warn('kept');
    assert.equal(out.lines.length, 1);
    const [line] = out.lines;
    assert.equal(line?.level, 'warn');
    assert.equal(line?.name, 'worker');
    assert.match(String(line?.time), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });
});
