// Reads the project's Dockerfile into stages of instructions, so tests can check its steps
// (test/unit/dockerfile.test.ts) and play them outside a container (test/workflow/build-dist.test.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface Instruction {
  op: string;
  /** The instruction's text after the keyword, continuation lines joined. */
  args: string;
}

export interface DockerStage {
  name: string;
  from: string;
  instructions: Instruction[];
}

export const DOCKERFILE_PATH = path.resolve(__dirname, '../../Dockerfile');

export function readDockerfile(file = DOCKERFILE_PATH): DockerStage[] {
  const logical = readFileSync(file, 'utf8')
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: DockerStage[] = [];
  for (const line of logical) {
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = op.toUpperCase();
    if (upper === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      stages.push({ name: m?.[2] ?? String(stages.length), from: m?.[1] ?? args, instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push({ op: upper, args });
    }
  }
  return stages;
}

/** A RUN line without BuildKit flags (`--mount=…`): the shell command itself. */
export function runCommand(args: string): string {
  return args.replace(/^(--\S+\s+)+/, '').trim();
}

/** COPY [--from=stage] src… dest */
export function parseCopy(args: string): { from?: string; sources: string[]; dest: string } {
  const words = args.split(/\s+/);
  let from: string | undefined;
  while (words[0]?.startsWith('--')) {
    const flag = words.shift()!;
    if (flag.startsWith('--from=')) from = flag.slice('--from='.length);
  }
  const dest = words.pop()!;
  return { from, sources: words, dest };
}

export function stage(stages: DockerStage[], name: string): DockerStage {
  const s = stages.find((x) => x.name === name);
  if (!s) throw new Error(`Dockerfile has no stage ${name}`);
  return s;
}
