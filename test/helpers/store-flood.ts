// Child process for test/unit/bounded-stores.test.ts (run with `node --expose-gc --import tsx`):
// floods one bounded store with distinct keys and prints heap figures as JSON on stdout.
// argv: <idempotency|recent-events> <distinct keys> <owners or check runs>
import { createMemoryIdempotencyStore } from '../../api/idempotency';
import { RecentEventIds } from '../../api/recent-events';

const [kind = 'idempotency', totalText = '1000000', groupsText = '5'] = process.argv.slice(2);
const total = Number(totalText);
const groups = Number(groupsText);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
// Ids of realistic length: API key names / run ids and UUID-like keys, every one a fresh string.
const uuidLike = (i: number) =>
  `${i.toString(16).padStart(8, '0')}-7c1e-4b2a-9f3d-${(i * 7919).toString(16).padStart(12, '0')}`;

async function main() {
  const baseline = heap();
  let fill = 0; // heap held once the store first reaches its cap
  let peak = 0;
  let retained = 0;
  const sampleEvery = Math.max(1, Math.floor(total / 20));
  if (kind === 'idempotency') {
    const store = createMemoryIdempotencyStore();
    const keys = Array.from({ length: groups }, (_, g) => `tenant-${g}`);
    for (let i = 0; i < total; i++) {
      const key = `${keys[i % groups]}\n${uuidLike(i)}`;
      await store.claim(key, i.toString(16).padStart(64, '0'));
      if (i % 2 === 0) await store.complete(key, `chk_${uuidLike(i)}${uuidLike(i + 1)}`);
      if ((i + 1) % sampleEvery === 0) peak = Math.max(peak, heap() - baseline);
      if (i + 1 === 100_000) fill = heap() - baseline;
    }
    // Retained: the newest keys answer, the oldest were evicted.
    for (let i = total - 1; i >= 0; i--) {
      const claim = await store.claim(`${keys[i % groups]}\n${uuidLike(i)}`, 'probe');
      if (claim.claimed) break;
      retained++;
    }
  } else {
    const recent = new RecentEventIds();
    const runs = Array.from({ length: groups }, (_, g) => uuidLike(g * 104_729));
    for (let i = 0; i < total; i++) {
      recent.seen(`${runs[i % groups]}:mx:BALANCE:MBR-${uuidLike(i)}:${1_700_000_000 + i}`);
      if ((i + 1) % sampleEvery === 0) peak = Math.max(peak, heap() - baseline);
      if (i + 1 === 50_000) fill = heap() - baseline;
    }
    retained = recent.size;
  }
  const final = heap() - baseline;
  process.stdout.write(JSON.stringify({ kind, total, groups, retained, fill, peak, final }) + '\n');
}

void main();
