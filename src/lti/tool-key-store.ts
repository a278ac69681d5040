import type { SecretBox } from '../cluster/secret-box.js';
import type { LtiRepository } from './lti-repository.js';
import {
  generateToolKey,
  importToolKey,
  publicToolJwkSchema,
  type PublicToolJwk,
  type ToolKey,
} from './tool-key.js';

/**
 * The tool's signing key, made on first use and shared by every process through PostgreSQL
 * (private key sealed with the SecretBox). The newest key signs; all are published.
 */
export class ToolKeyStore {
  private current: Promise<ToolKey> | undefined;

  constructor(
    private readonly lti: LtiRepository,
    private readonly secrets: SecretBox,
  ) {}

  signingKey(): Promise<ToolKey> {
    this.current ??= this.load().catch((error: unknown) => {
      this.current = undefined;
      throw error;
    });
    return this.current;
  }

  async publicJwks(): Promise<{ keys: PublicToolJwk[] }> {
    await this.signingKey();
    const keys = await this.lti.listToolKeys();
    return { keys: keys.map((key) => publicToolJwkSchema.parse(key.publicJwk)) };
  }

  private async load(): Promise<ToolKey> {
    let [newest] = await this.lti.listToolKeys();
    if (!newest) {
      const { key, privateKeyPem } = await generateToolKey();
      await this.lti.insertFirstToolKey({
        kid: key.kid,
        privateKeySealed: this.secrets.seal(privateKeyPem),
        publicJwk: key.publicJwk,
      });
      [newest] = await this.lti.listToolKeys();
    }
    if (!newest) throw new Error('no LTI tool key could be stored');
    return importToolKey({
      kid: newest.kid,
      privateKeyPem: this.secrets.open(newest.privateKeySealed),
      publicJwk: newest.publicJwk,
    });
  }
}
