import { createLogger, redactedPaths } from '../src/logging/logger.ts';
const lines: string[] = [];
const l = createLogger({ level: 'debug', name: 't', destination: { write: (s: string) => void lines.push(s) } });
l.info({ cluster: { kubeconfig: 'K1' }, a: { b: { token: 'T3' } }, 'client-key-data': 'CK', x: { 'client-key-data': 'CK2' }, req: { headers: { authorization: 'Bearer A', 'x-api-key': 'AK' } } }, 'hi');
console.log(redactedPaths.length, redactedPaths.slice(0, 40));
console.log(lines.join(''));
