// @mapbox/shp-write declares only its zip/download API; the low-level writer used here.
declare module '@mapbox/shp-write/src/write.js' {
  type Rows = Record<string, string | number | boolean | null>[];
  export default function write(rows: Rows, type: 'POINT' | 'POLYLINE' | 'POLYGON', geometries: unknown[], callback: (error: unknown, files: { shp: DataView; shx: DataView; dbf: DataView; prj: string }) => void): void;
}
