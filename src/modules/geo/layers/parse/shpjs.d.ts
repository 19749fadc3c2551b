// shpjs ships no type declarations: the two readers used here.
declare module 'shpjs' {
  export function parseShp(shp: Uint8Array | ArrayBuffer, prj?: string): unknown[];
  export function parseDbf(dbf: Uint8Array | ArrayBuffer, cpg?: string): Record<string, unknown>[];
}
