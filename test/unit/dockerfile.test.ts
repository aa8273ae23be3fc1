// The Dockerfile runs exactly the build the tests exercise: its build stage is `npm ci` + the
// package.json build script over the sources tsconfig.build.json compiles; its runtime stage is
// `npm ci --omit=dev` + dist/ as a non-root user. test/workflow/build-dist.test.ts plays the same
// steps and starts the result; deploy/compose.yaml starts the three compiled entry points.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseCopy, readDockerfile, runCommand, stage } from '../helpers/dockerfile';

const REPO = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};
const tsconfigBuild = JSON.parse(readFileSync(path.join(REPO, 'tsconfig.build.json'), 'utf8')) as {
  include: string[];
};
const stages = readDockerfile();
const runs = (name: string) =>
  stage(stages, name)
    .instructions.filter((i) => i.op === 'RUN')
    .map((i) => runCommand(i.args));
const copies = (name: string) =>
  stage(stages, name)
    .instructions.filter((i) => i.op === 'COPY')
    .map((i) => parseCopy(i.args));

describe('Dockerfile', () => {
  it('has a build stage and a runtime stage on the same Node base image', () => {
    assert.deepEqual(
      stages.map((s) => s.name),
      ['build', 'runtime'],
    );
    assert.equal(stage(stages, 'build').from, stage(stages, 'runtime').from);
    assert.match(stage(stages, 'runtime').from, /^node:/);
  });

  it('build stage: npm ci, then npm run build — the script that compiles tsconfig.build.json and writes the workflow bundle', () => {
    assert.deepEqual(runs('build'), ['npm ci', 'npm run build']);
    assert.match(pkg.scripts.build!, /tsc -p tsconfig\.build\.json/);
    assert.match(pkg.scripts.build!, /node dist\/scripts\/build-workflow-bundle\.js/);
  });

  it('build stage copies the lock file, both tsconfigs and every path tsconfig.build.json compiles (nothing else)', () => {
    const sources = copies('build').flatMap((c) => c.sources);
    assert.ok(copies('build').every((c) => !c.from));
    for (const src of sources) assert.ok(existsSync(path.join(REPO, src)), `${src} exists`);
    assert.deepEqual(
      [...sources].sort(),
      [
        'package.json',
        'package-lock.json',
        'tsconfig.json',
        'tsconfig.build.json',
        ...tsconfigBuild.include,
      ].sort(),
    );
    // The lock file comes before `npm ci`, the sources after it (dependency layer cached across edits).
    const instr = stage(stages, 'build').instructions;
    const ci = instr.findIndex((i) => i.op === 'RUN' && runCommand(i.args) === 'npm ci');
    const lock = instr.findIndex((i) => i.op === 'COPY' && i.args.includes('package-lock.json'));
    assert.ok(lock >= 0 && lock < ci);
  });

  it('runtime stage: production dependencies, dist/ from the build stage, NODE_ENV=production, a non-root user', () => {
    assert.deepEqual(runs('runtime'), ['npm ci --omit=dev']);
    const runtimeCopies = copies('runtime');
    assert.deepEqual(runtimeCopies, [
      { from: undefined, sources: ['package.json', 'package-lock.json'], dest: './' },
      { from: 'build', sources: ['/app/dist'], dest: './dist' },
    ]);
    const instr = stage(stages, 'runtime').instructions;
    assert.ok(instr.some((i) => i.op === 'ENV' && /^NODE_ENV=production$/.test(i.args)));
    const user = instr.filter((i) => i.op === 'USER').at(-1);
    assert.ok(user && !/^(root|0)(:|$)/.test(user.args), `runs as ${user?.args ?? 'root'}`);
    const cmd = instr.find((i) => i.op === 'CMD');
    assert.equal(cmd?.args, '["node", "dist/worker/main.js"]');
  });

  it('deploy/compose.yaml runs the three compiled entry points from this Dockerfile', () => {
    const compose = readFileSync(path.join(REPO, 'deploy/compose.yaml'), 'utf8');
    assert.match(compose, /dockerfile: Dockerfile/);
    for (const entry of ['worker', 'api', 'codec']) {
      assert.match(compose, new RegExp(`command: \\['node', 'dist/${entry}/main\\.js'\\]`));
      assert.ok(existsSync(path.join(REPO, entry, 'main.ts')), `${entry}/main.ts is compiled to dist/`);
    }
    assert.ok(tsconfigBuild.include.every((p) => !/^(test|bench|sandbox)\b/.test(p)));
  });
});
