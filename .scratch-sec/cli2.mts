import { writeFileSync, mkdirSync } from 'node:fs';
import { runCli } from '../src/cli/main.ts';
const kc = `apiVersion: v1
kind: Config
current-context: c
contexts: [{ name: c, context: { cluster: k, user: u } }]
clusters: [{ name: k, cluster: { server: "https://127.0.0.1:9" } }]
users: [{ name: u, user: { token: "tok-MARKER" } }]
`;
writeFileSync('/tmp/sec/kc.yaml', kc);
writeFileSync('/tmp/sec/bad-answers.yaml', 'pending-causes: [unclosed "tok-ANS');
mkdirSync('/tmp/sec/emptydir', { recursive: true });
const m = '/work/main/assessments/first-pod/reference/my-pod.yaml';
const runs: Record<string, string[]> = {
  badAnswers: ['grade', 'first-pod', '--kubeconfig', '/tmp/sec/kc.yaml', '--manifest', m, '--answers', '/tmp/sec/bad-answers.yaml'],
  emptyDir: ['grade', '/tmp/sec/emptydir', '--kubeconfig', '/tmp/sec/kc.yaml', '--manifest', m],
  etc: ['grade', '../../../../../etc', '--kubeconfig', '/tmp/sec/kc.yaml', '--manifest', m],
  passwd: ['grade', '/etc/passwd', '--kubeconfig', '/tmp/sec/kc.yaml', '--manifest', m],
  missingKc: ['grade', 'first-pod', '--kubeconfig', '/tmp/sec/nope.yaml', '--manifest', m],
  unknownFlag: ['grade', 'first-pod', '--kubeconfig', '/tmp/sec/kc.yaml', '--evil'],
  badNs: ['grade', 'first-pod', '--kubeconfig', '/tmp/sec/kc.yaml', '--manifest', m, '--namespace', '../../api/v1/secrets', '--request-timeout-ms', '300', '--time-scale', '1000'],
};
for (const [name, argv] of Object.entries(runs)) {
  const out: string[] = [];
  try {
    const code = await runCli(argv, { out: (s) => out.push('OUT ' + s), err: (s) => out.push('ERR ' + s), progress: (s) => out.push('PROG ' + s) } as never);
    console.log(name, code, out.join('\n').slice(0, 400));
  } catch (e) { console.log(name, 'THREW', String(e).slice(0, 300)); }
}
