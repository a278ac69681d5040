import { randomUUID } from 'node:crypto';
import {
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importPKCS8,
  type CryptoKey,
  type JWK,
} from 'jose';
import { z } from 'zod';

/**
 * The tool's own RS256 key pair: the private key signs client assertions to LMS token
 * endpoints; the public half is published at /.well-known/jwks.json so platforms can verify.
 */
export interface ToolKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: PublicToolJwk;
}

export const publicToolJwkSchema = z.object({
  kty: z.literal('RSA'),
  kid: z.string().min(1),
  alg: z.literal('RS256'),
  use: z.literal('sig'),
  n: z.string().min(1),
  e: z.string().min(1),
});

export type PublicToolJwk = z.infer<typeof publicToolJwkSchema>;

/** A new key pair; the private key in PKCS#8 PEM so it can be sealed and stored. */
export async function generateToolKey(): Promise<{ key: ToolKey; privateKeyPem: string }> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', {
    modulusLength: 2048,
    extractable: true,
  });
  const kid = randomUUID();
  const publicJwk = toPublicJwk(await exportJWK(publicKey), kid);
  return { key: { kid, privateKey, publicJwk }, privateKeyPem: await exportPKCS8(privateKey) };
}

export async function importToolKey(options: {
  kid: string;
  privateKeyPem: string;
  publicJwk: unknown;
}): Promise<ToolKey> {
  return {
    kid: options.kid,
    privateKey: await importPKCS8(options.privateKeyPem, 'RS256'),
    publicJwk: publicToolJwkSchema.parse(options.publicJwk),
  };
}

function toPublicJwk(jwk: JWK, kid: string): PublicToolJwk {
  return publicToolJwkSchema.parse({
    kty: jwk.kty,
    n: jwk.n,
    e: jwk.e,
    kid,
    alg: 'RS256',
    use: 'sig',
  });
}
