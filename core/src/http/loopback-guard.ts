import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AccessDeniedError } from '../errors.js';

const LOOPBACK_HOST = /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/i;

/**
 * For a gateway without authentication, where every caller is trusted: only requests addressed to a loopback name,
 * from no browser, a loopback page or one of `allowedOrigins`, are served. A web page that rebinds its own DNS name
 * to 127.0.0.1 sends that name as Host; a page of another origin sends its Origin. Both are refused (403).
 */
export function loopbackOnly(allowedOrigins: readonly string[]): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const origin = req.get('origin');
    const pageAllowed = origin === undefined || allowedOrigins.includes(origin) || isLoopback(hostOf(origin));
    if (!isLoopback(req.get('host')) || !pageAllowed) {
      throw new AccessDeniedError('this gateway has no authentication and answers only loopback names (127.0.0.1, localhost) and pages served from them or listed in server.allowedOrigins');
    }
    next();
  };
}

function isLoopback(host: string | undefined): boolean {
  return host !== undefined && LOOPBACK_HOST.test(host.replace(/:\d+$/, ''));
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
