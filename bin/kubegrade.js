#!/usr/bin/env node
// `npx kubegrade`: runs the TypeScript sources through tsx, so the command works straight from a
// checkout without a build step. tsx is a development dependency: the command is for checkouts
// (learners and rubric authors), and the production image runs compiled JavaScript only.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
