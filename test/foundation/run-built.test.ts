import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * `npm start` runs scripts/run-built.cjs: the compiler runs only when the sources changed since the
 * last successful build. Checked on a small copy of the project layout (the real script, the real
 * TypeScript behind a wrapper that counts its runs), so a few seconds instead of a full build.
 */
const REPO = path.resolve(__dirname, '../..');
let root: string;
let tscRuns: string;

function start(): string {
  return execFileSync(process.execPath, [path.join(root, 'scripts', 'run-built.cjs'), 'dist/src/main.js'], { cwd: root, encoding: 'utf8' });
}
const compilerRuns = () => readFileSync(tscRuns, 'utf8').split('\n').filter(Boolean).length;
const write = (file: string, text: string) => {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
};

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'run-built-'));
  mkdirSync(path.join(root, 'scripts'));
  cpSync(path.join(REPO, 'scripts', 'run-built.cjs'), path.join(root, 'scripts', 'run-built.cjs'));
  write('tsconfig.json', JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, outDir: 'dist', rootDir: '.', types: [], ignoreDeprecations: '6.0' } }));
  write('tsconfig.build.json', JSON.stringify({ extends: './tsconfig.json', compilerOptions: { incremental: true, tsBuildInfoFile: 'dist/.tsbuildinfo' }, include: ['src', 'bots', 'scripts'] }));
  write('package.json', '{"private":true}');
  write('src/main.ts', "import { word } from './word';\nconsole.log(`started: ${word}`);\n");
  write('src/word.ts', "export const word = 'one';\n");
  write('src/unused.ts', 'export const unused = 1;\n');
  mkdirSync(path.join(root, 'bots'));
  // node_modules/typescript: the real compiler behind a wrapper that notes every run.
  tscRuns = path.join(root, 'tsc-runs.log');
  writeFileSync(tscRuns, '');
  const ts = path.join(root, 'node_modules', 'typescript');
  mkdirSync(path.join(ts, 'bin'), { recursive: true });
  symlinkSync(path.join(REPO, 'node_modules', 'typescript', 'lib'), path.join(ts, 'lib'));
  writeFileSync(path.join(ts, 'package.json'), readFileSync(path.join(REPO, 'node_modules', 'typescript', 'package.json')));
  writeFileSync(
    path.join(ts, 'bin', 'tsc'),
    `require('node:fs').appendFileSync(${JSON.stringify(tscRuns)}, process.argv.slice(2).join(' ') + '\\n');\nrequire('../lib/tsc.js');\n`,
  );
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('npm start compiles only when the sources changed', () => {
  it('builds on the first start, then starts the built tree without the compiler', () => {
    expect(start()).toContain('started: one');
    expect(compilerRuns()).toBe(1);
    expect(start()).toContain('started: one');
    expect(start()).toContain('started: one');
    expect(compilerRuns()).toBe(1);
  });

  it('rebuilds after a source file is saved, and runs the new code', () => {
    write('src/word.ts', "export const word = 'two';\n");
    expect(start()).toContain('started: two');
    expect(compilerRuns()).toBe(2);
    expect(start()).toContain('started: two');
    expect(compilerRuns()).toBe(2);
  });

  it('rebuilds when a file is removed or the compiler settings change', () => {
    rmSync(path.join(root, 'src', 'unused.ts'));
    expect(start()).toContain('started: two');
    expect(compilerRuns()).toBe(3);
    write('tsconfig.json', readFileSync(path.join(root, 'tsconfig.json'), 'utf8').replace('"strict":true', '"strict":true,"noImplicitReturns":true'));
    expect(start()).toContain('started: two');
    expect(compilerRuns()).toBe(4);
  });

  it('does not start after a failed build, and tries again on the next start', () => {
    write('src/word.ts', "export const word: number = 'three';\n");
    expect(() => execFileSync(process.execPath, [path.join(root, 'scripts', 'run-built.cjs'), 'dist/src/main.js'], { cwd: root, stdio: 'pipe' })).toThrow();
    expect(compilerRuns()).toBe(5);
    write('src/word.ts', "export const word = 'four';\n");
    expect(start()).toContain('started: four');
    expect(compilerRuns()).toBe(6);
  });
});
