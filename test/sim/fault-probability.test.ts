import { FaultInjector } from '../../sim/faults.js';

/** Soaks fault a share of requests, not every one: a rule's probability says which share. */
describe('a fault rule with a probability', () => {
  const request = { method: 'GET', path: '/api/v1/namespaces/default/pods', watch: false };
  const applied = (probability: number, requests: number) => {
    const faults = new FaultInjector();
    faults.add({ path: '/api/v1/**', kind: 'status', status: 500, probability });
    let hit = 0;
    for (let i = 0; i < requests; i += 1) if (faults.take(request).length > 0) hit += 1;
    return hit;
  };

  it('never applies at 0 and always at 1', () => {
    expect(applied(0, 200)).toBe(0);
    expect(applied(1, 200)).toBe(200);
  });

  it('applies to about its share of requests', () => {
    // 2,000 draws at 20%: outside 300-500 is more than 6 standard deviations away.
    const hit = applied(0.2, 2_000);
    expect(hit).toBeGreaterThan(300);
    expect(hit).toBeLessThan(500);
  });

  it('refuses a probability outside 0-1', () => {
    expect(() => new FaultInjector().add({ path: '/x', kind: 'drop', probability: 1.5 })).toThrow(
      'probability must be a number from 0 to 1',
    );
  });
});
