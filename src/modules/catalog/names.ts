import { plumeLetter } from './plume-filter.js';

/** `{platform}{YYYYMMDD}t{HHMMSS}p{part}` — e.g. GAO20230628t190435p0000. */
export const SCENE_NAME = /^([A-Za-z0-9]{3})(\d{4})(\d{2})(\d{2})t(\d{2})(\d{2})(\d{2})p(\d{4})$/;
/** `<scene name>-<letter>` — e.g. GAO20230628t191011p0000-B. */
export const PLUME_NAME = /^([A-Za-z0-9]{3}\d{8}t\d{6}p\d{4})-([A-Z]{1,3})$/;

export function sceneNameOf(plumeName: string): string | undefined {
  return PLUME_NAME.exec(plumeName)?.[1];
}

/** The acquisition time a scene name encodes (UTC). */
export function sceneTime(sceneName: string): Date | undefined {
  const m = SCENE_NAME.exec(sceneName);
  if (!m) return undefined;
  const at = new Date(Date.UTC(+m[2]!, +m[3]! - 1, +m[4]!, +m[5]!, +m[6]!, +m[7]!));
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** The 0-based index of a plume letter (A → 0, Z → 25, AA → 26): the inverse of plumeLetter. */
export function letterIndex(letters: string): number {
  let n = 0;
  for (const letter of letters) n = n * 26 + (letter.charCodeAt(0) - 64);
  return n - 1;
}

/**
 * The next plume name of a scene for an organization: the letter after the highest among the
 * plumes it may see (published ones and its own). Other organizations' unpublished plumes never
 * count, so letters reveal nothing about them; names are unique per owner and among published
 * plumes, so a name one of them also uses is no conflict until both are published.
 */
export function nextPlumeName(sceneName: string, visibleNames: string[]): string {
  const taken = new Set(visibleNames);
  const indexes = visibleNames.map((name) => PLUME_NAME.exec(name)?.[2]).filter((l): l is string => l !== undefined).map(letterIndex);
  let index = indexes.length ? Math.max(...indexes) + 1 : 0;
  while (taken.has(`${sceneName}-${plumeLetter(index)}`)) index += 1;
  return `${sceneName}-${plumeLetter(index)}`;
}
