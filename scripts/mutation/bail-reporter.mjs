// node:test reporter for mutation runs: the first failing test decides (the mutant is killed), so stop
// there instead of running the rest. Says which test failed, for the dry run's error message.
import process from 'node:process';

export default async function* bail(source) {
  for await (const event of source) {
    if (event.type === 'test:fail') {
      const cause = event.data.details?.error?.cause ?? event.data.details?.error;
      process.stderr.write(
        `not ok: ${event.data.name} (${event.data.file ?? ''})\n${cause?.stack ?? cause ?? ''}\n`,
      );
      process.exit(1);
    }
  }
  yield '';
}
