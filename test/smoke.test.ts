import { load } from 'js-yaml';
import * as k8s from '@kubernetes/client-node';
describe('toolchain', () => {
  it('loads ESM deps', () => {
    expect(load('a: 1')).toEqual({ a: 1 });
    expect(typeof k8s.KubeConfig).toBe('function');
  });
});
