// Copies the napi binding (loader, typings and the built .node) into
// cdk-lib/native/. jsii packages must bundle their non-jsii dependencies,
// and npm workspaces drop a bundled workspace package from the tarball, so
// the binary ships inside this package's own files instead.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const from = join(here, '..', '..', 'bindings');
const to = join(here, '..', 'native');
rmSync(to, { recursive: true, force: true });
mkdirSync(to, { recursive: true });
const files = readdirSync(from).filter((f) => f === 'index.js' || f === 'index.d.ts' || f.endsWith('.node'));
if (!files.some((f) => f.endsWith('.node'))) {
  console.error('no built binding in bindings/: run `npm run build -w bindings` first');
  process.exit(1);
}
for (const f of files) copyFileSync(join(from, f), join(to, f));
console.log(`copied ${files.join(', ')} to cdk-lib/native/`);
