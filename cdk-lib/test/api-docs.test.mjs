// API.md, the API reference jsii-docgen writes from the .jsii, is committed:
// regenerated from the current build it must come out the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const pkgDir = new URL('..', import.meta.url).pathname;

test('API.md is what jsii-docgen makes of the current API', { timeout: 120_000 }, () => {
  const fresh = join(mkdtempSync(join(tmpdir(), 'linkplan-docgen-')), 'API.md');
  execFileSync(process.execPath, [join(pkgDir, 'scripts/docgen.mjs'), fresh], { cwd: pkgDir, stdio: 'pipe' });
  const want = readFileSync(fresh, 'utf8');
  const have = readFileSync(join(pkgDir, 'API.md'), 'utf8');
  if (want === have) return;
  const [w, h] = [want.split('\n'), have.split('\n')];
  let line = 0;
  while (w[line] === h[line]) line++;
  assert.fail(
    'cdk-lib/API.md is out of date with the API: run `npm run docgen -w cdk-lib` and commit API.md\n' +
      `first difference at line ${line + 1}:\n  committed: ${JSON.stringify(h[line])}\n  generated: ${JSON.stringify(w[line])}`,
  );
});
