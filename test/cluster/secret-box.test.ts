import { SecretBox } from '../../src/cluster/secret-box.js';

const keyA = { id: 'a', key: Buffer.alloc(32, 1) };
const keyB = { id: 'b', key: Buffer.alloc(32, 2) };

describe('SecretBox', () => {
  it('opens what it sealed, and the sealed bytes do not contain the plaintext', () => {
    const box = new SecretBox([keyA]);
    const sealed = box.seal('token: very-secret');
    expect(Buffer.from(sealed).toString('latin1')).not.toContain('very-secret');
    expect(box.open(sealed)).toBe('token: very-secret');
  });

  it('seals differently each time (fresh IV)', () => {
    const box = new SecretBox([keyA]);
    expect(Buffer.from(box.seal('x')).equals(Buffer.from(box.seal('x')))).toBe(false);
  });

  it('after rotation, seals with the new key and still opens values sealed with the old one', () => {
    const before = new SecretBox([keyA]);
    const rotated = new SecretBox([keyB, keyA]);
    const old = before.seal('old secret');
    expect(rotated.open(old)).toBe('old secret');
    const fresh = rotated.seal('new secret');
    expect(() => before.open(fresh)).toThrow(/key "b"/);
  });

  it('refuses tampered ciphertext and a swapped key id', () => {
    const box = new SecretBox([keyA, { id: 'c', key: Buffer.alloc(32, 1) }]);
    const sealed = Buffer.from(box.seal('secret'));
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect(() => box.open(tampered)).toThrow();
    const swapped = Buffer.from(sealed);
    swapped[2] = 'c'.charCodeAt(0);
    expect(() => box.open(swapped)).toThrow();
  });

  it('refuses keys of the wrong size', () => {
    expect(() => new SecretBox([{ id: 'short', key: Buffer.alloc(16) }])).toThrow(/32 bytes/);
  });
});
