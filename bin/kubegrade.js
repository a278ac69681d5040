#!/usr/bin/env node
// `npx kubegrade`: runs the TypeScript sources through tsx, so the command works straight from a
// checkout without a build step. tsx is a development dependency: the command is for checkouts
// (learners and rubric authors), and the production image runs compiled JavaScript only.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
const argv = process.argv.slice(2);
// `selftest` plays scenarios on the simulated cluster; src/ never imports it, so it is wired here.
const playScenario =
  argv[0] === 'selftest'
    ? (await import('../scripts/self-test/grade-scenario.ts')).runScenario
    : undefined;
process.exitCode = await runCli(argv, undefined, process.env, playScenario);
