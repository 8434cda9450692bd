// Writes the API reference (API.md) of this package with jsii-docgen, the
// generator projen and Construct Hub use, from the .jsii that jsii leaves
// here on `npm run build`.
//
// Not the jsii-docgen CLI: it looks for the assemblies of the dependencies
// (aws-cdk-lib, constructs) only under this package's directory, and npm
// workspaces hoist them to the root node_modules, so it stops at "Unable to
// locate assembly for dependency: aws-cdk-lib". The API it has takes that
// directory: the root node_modules, which also links this package itself
// (node_modules/@linkplan/cdk).
//
// Usage: node scripts/docgen.mjs [output]   (default: cdk-lib/API.md)
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const assembliesDir = join(pkgDir, '..', 'node_modules');

if (!existsSync(join(pkgDir, '.jsii'))) {
  console.error('no .jsii in cdk-lib/: run `npm run build -w cdk-lib` first');
  process.exit(1);
}
if (!existsSync(join(assembliesDir, '@linkplan', 'cdk'))) {
  console.error(`no workspace link ${join(assembliesDir, '@linkplan', 'cdk')}: run \`npm ci\` at the repository root first`);
  process.exit(1);
}

const { Documentation, Language } = createRequire(import.meta.url)('jsii-docgen');
const docs = await Documentation.forProject(pkgDir, { assembliesDir });
const markdown = await docs.toMarkdown({ language: Language.TYPESCRIPT });
const output = process.argv[2] ? resolve(process.argv[2]) : join(pkgDir, 'API.md');
writeFileSync(output, markdown.render());
