/**
 * The URL with its signature's first character changed to another one. Replacing it with a fixed
 * character left the URL valid whenever the signature already began with it (1 time in 64).
 */
export function tamperSignature(url: string): string {
  const tampered = url.replace(/signature=(.)/, (_match, first: string) => `signature=${first === 'A' ? 'B' : 'A'}`);
  if (tampered === url) throw new Error(`no signature in ${url}`);
  return tampered;
}
