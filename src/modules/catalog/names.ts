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
