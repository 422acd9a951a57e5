/** The console session cookie: HttpOnly, SameSite=Strict, Secure (with the __Host- prefix) when served over https. */

export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-hl1022_session' : 'hl1022_session';
}

/** Reads one cookie from a Cookie header; undefined when absent. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function serializeSessionCookie(name: string, token: string, options: { secure: boolean; maxAgeSeconds: number }): string {
  const parts = [`${name}=${encodeURIComponent(token)}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${options.maxAgeSeconds}`];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearSessionCookie(name: string, secure: boolean): string {
  return serializeSessionCookie(name, '', { secure, maxAgeSeconds: 0 });
}
