#!/usr/bin/env node
// `npx kubegrade`: runs the TypeScript sources through tsx (a dependency), so the command works
// straight from a checkout without a build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
