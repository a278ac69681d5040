import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error.js';

/**
 * Lets a request through only with `Authorization: Bearer <ADMIN_TOKEN>`. Compared as sha256
 * digests in constant time, so neither the length nor a prefix of the token leaks. Without a
 * configured token, admin routes answer 401 to everyone: they are off, not open.
 */
export function requireAdminToken(adminToken: string | undefined): RequestHandler {
  const expected = adminToken === undefined ? undefined : digest(adminToken);
  return (req, res, next) => {
    const given = presentedToken(req.get('Authorization') ?? '');
    if (
      expected === undefined ||
      given === undefined ||
      !timingSafeEqual(digest(given), expected)
    ) {
      // Basic too, so a browser asks for it once and resends it with the dashboard's own calls.
      res.setHeader('WWW-Authenticate', 'Basic realm="kubegrade-admin", charset="UTF-8"');
      throw new AppError(
        'UNAUTHENTICATED',
        'This needs the admin token (Authorization: Bearer, or Basic with the token as password).',
      );
    }
    next();
  };
}

/** `Bearer <token>`, or `Basic` with any user name and the token as password. */
function presentedToken(header: string): string | undefined {
  const bearer = /^Bearer (\S+)$/u.exec(header);
  if (bearer !== null) return bearer[1];
  const basic = /^Basic ([A-Za-z0-9+/=]+)$/u.exec(header);
  if (basic === null) return undefined;
  const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : decoded.slice(colon + 1);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
