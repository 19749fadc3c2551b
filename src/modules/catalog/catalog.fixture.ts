import type { GeneratedScene, PlumeValues } from './catalog-writes.queries.js';

/** A small hand-checked catalog in the public CSV format (extra column: country). */
export const FIXTURE_HEADER =
  'plume_id,plume_latitude,plume_longitude,datetime,ipcc_sector,gas,emission_cmf_type,plume_bounds,instrument,mission_phase,published_at,modified,emission_version,processing_software,gsd,sensitivity_mode,off_nadir,emission_auto,emission_uncertainty_auto,wind_speed_avg_auto,wind_speed_std_auto,wind_direction_avg_auto,wind_direction_std_auto,wind_source_auto,platform,provider,plume_tif,plume_png,con_tif,rgb_tif,rgb_png,country';

export const FIXTURE_ROWS = [
  // 1. Kern County oil field, with bounds
  'GAO20230628t191011p0000-A,35.4965,-119.0893,2023-06-28T19:10:11Z,Oil & Gas (1B2),CH4,mfa,"[-119.1, 35.49, -119.08, 35.5]",GAO,phase2,2023-07-10T00:00:00Z,2023-07-10T00:00:00Z,v1,carbon-1.0,3.2,normal,2.5,500,100,3.1,0.4,225,10,hrrr,GAO,CarbonMapper,plumes/a.tif,plumes/a.png,,,,US',
  // 2. the same scene, 550 m away, no bounds
  'GAO20230628t191011p0000-B,35.5,-119.085,2023-06-28T19:10:11Z,Oil & Gas (1B2),CH4,mfa,,GAO,phase2,2023-07-11T00:00:00Z,2023-07-11T00:00:00Z,v1,"=HYPERLINK(""http://evil"")",3.2,normal,2.5,80,20,3.1,0.4,225,10,hrrr,GAO,CarbonMapper,,,,,,US',
  // 3. Permian, EMIT
  'emi20230815t101500p0001-A,31.9,-102.1,2023-08-15T10:15:00Z,Oil & Gas (1B2),CH4,mfa,,emi,,2023-09-01T00:00:00Z,2023-09-01T00:00:00Z,v2,emit-2.0,60,,,1500,300,5,1,180,20,era5,EMIT,NASA,,,,,,US',
  // 4. New York landfill, Tanager
  'tan20240301t120000p0000-A,40.7128,-74.0066,2024-03-01T12:00:00Z,Solid Waste (6A),CH4,mfa,,tan,,2024-03-20T00:00:00Z,2024-03-20T00:00:00Z,v2,tanager-1.0,30,,,300,60,2,0.5,90,15,era5,Tanager-1,Planet,,,,,,US',
  // 5. power plant, CO2, AVIRIS-3
  'av320240402t083000p0000-A,38.0428,-122.2446,2024-04-02T08:30:00Z,Electricity Generation (1A1),CO2,mfa,,av3,,2024-04-10T00:00:00Z,2024-04-10T00:00:00Z,v1,carbon-1.0,5,,,20000,4000,4,1,270,30,hrrr,AV3,JPL,,,,,,US',
  // 6. not published yet, no sector
  'ang20240510t160000p0000-A,36,-110,2024-05-10T16:00:00Z,,CH4,mfa,,ang,,,2024-05-11T00:00:00Z,v1,carbon-1.0,4,,,50,10,2,0.5,0,5,hrrr,ANG,JPL,,,,,,US',
  // 7. sector not applicable
  'emi20240601t090000p0002-A,32,-103,2024-06-01T09:00:00Z,NA,CH4,mfa,,emi,,2024-06-10T00:00:00Z,2024-06-10T00:00:00Z,v2,emit-2.0,60,,,120,30,3,1,200,20,era5,EMIT,NASA,,,,,,US',
  // 8. rejected: unknown gas
  'emi20240601t090000p0002-B,32,-103,2024-06-01T09:00:00Z,NA,N2O,mfa,,emi,,,,v2,emit-2.0,60,,,1,1,3,1,200,20,era5,EMIT,NASA,,,,,,US',
];

export const FIXTURE_CSV = [FIXTURE_HEADER, ...FIXTURE_ROWS].join('\r\n');

/*
 * Scenes with footprints around a landfill at (-74.0, 40.7) (see sources.test.ts for the hand
 * computation): A 2024-01-10 and C 2024-02-01 wide; B, B2 2024-01-20 and D 2024-02-15 narrow;
 * E 2024-03-01 in California.
 */
const wide: [number, number, number, number] = [-74.1, 40.6, -73.9, 40.8];
const narrow: [number, number, number, number] = [-74.02, 40.68, -73.98, 40.72];
const scene = (id: string, name: string, footprint: [number, number, number, number]): GeneratedScene => ({
  id,
  name,
  instrument: 'GAO',
  platform: 'GAO',
  provider: 'CarbonMapper',
  mission_phase: 'phase3',
  timestamp: new Date(`${name.slice(3, 7)}-${name.slice(7, 9)}-${name.slice(9, 11)}T${name.slice(12, 14)}:${name.slice(14, 16)}:00Z`),
  footprint,
  cloud_cover: 5,
  qa_flags: [],
  assessed: true,
});
export const SCENES = [
  scene('00000000-0000-4000-8000-00000000000a', 'GAO20240110t150000p0000', wide),
  scene('00000000-0000-4000-8000-00000000000b', 'GAO20240120t150000p0000', narrow),
  scene('00000000-0000-4000-8000-0000000000b2', 'GAO20240120t170000p0000', narrow),
  scene('00000000-0000-4000-8000-00000000000c', 'GAO20240201t150000p0000', wide),
  scene('00000000-0000-4000-8000-00000000000d', 'GAO20240215t150000p0000', [-74.01, 40.69, -73.99, 40.71]),
  scene('00000000-0000-4000-8000-00000000000e', 'GAO20240301t150000p0000', [-120, 35, -119, 36]),
];

export function fixturePlume(organizationId: string, id: string, sceneIndex: number, letter: string, values: Partial<PlumeValues>): PlumeValues {
  const s = SCENES[sceneIndex]!;
  return {
    id,
    plume_id: `${s.name}-${letter}`,
    scene_id: s.id,
    scene_name: s.name,
    instrument: 'GAO',
    platform: 'GAO',
    provider: 'CarbonMapper',
    mission_phase: 'phase3',
    datetime: s.timestamp,
    organization_id: organizationId,
    gas: 'CH4',
    longitude: -74,
    latitude: 40.7,
    bounds: null,
    sector: '6A',
    emission_auto: null,
    emission_uncertainty_auto: null,
    emission_cmf_type: 'mfa',
    emission_version: 'v1',
    processing_software: null,
    gsd: 4.5,
    sensitivity_mode: null,
    off_nadir: null,
    wind_speed_avg_auto: null,
    wind_speed_std_auto: null,
    wind_direction_avg_auto: null,
    wind_direction_std_auto: null,
    wind_source_auto: null,
    quality: 'good',
    status: 'published',
    plume_tif: null,
    plume_png: null,
    con_tif: null,
    rgb_tif: null,
    rgb_png: null,
    published_at: new Date('2024-03-10T00:00:00Z'),
    modified: new Date('2024-03-10T00:00:00Z'),
    ...values,
  };
}

