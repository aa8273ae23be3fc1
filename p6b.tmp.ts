import { startBenchStack } from './bench/stack';
import { providerCallsCase } from './bench/cases/provider-calls';
import { SIZES } from './bench/sizes';
async function main() {
  const b = await startBenchStack();
  b.webhooksTo(b.stack.apiUrl);
  const problems: string[] = [];
  const cfg = { ...SIZES.smoke, providerCalls: { resources: 5, requests: 50, windowSeconds: Number(process.argv[2] ?? 30) } };
  try {
    const r = await providerCallsCase({ env: b.env, namespace: b.namespace, stack: b.stack, tap: b.tap, cfg, log: console.log, problems } as any);
    console.log(JSON.stringify(r), problems);
  } finally { await b.close(); }
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
