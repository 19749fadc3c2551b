import { describe, expect, it } from 'vitest';
import { IntervalError, parseInterval } from './intervals.js';
import { letterIndex, nextPlumeName, sceneNameOf, sceneTime } from './names.js';
import { safeCell } from './plume-csv.js';
import { canMove, plumeLetter } from './plume-filter.js';
import { parseSector, sectorLabel } from './sectors.js';
import { dailyDetections, observationDatesOf, parseSourceName, sourceFigures, sourceName, utmSrid } from './sources/source-name.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

describe('datetime intervals', () => {
  it('reads instants, days, and open and closed intervals as half-open ranges', () => {
    const instant = parseInterval('2018-02-12T23:20:50Z');
    expect([iso(instant.start), iso(instant.end)]).toEqual(['2018-02-12T23:20:50.000Z', '2018-02-12T23:20:50.001Z']);
    const day = parseInterval('2018-02-12');
    expect([iso(day.start), iso(day.end)]).toEqual(['2018-02-12T00:00:00.000Z', '2018-02-13T00:00:00.000Z']);
    const closed = parseInterval('2018-02-12T00:00:00Z/2018-03-18T12:31:12Z');
    expect([iso(closed.start), iso(closed.end)]).toEqual(['2018-02-12T00:00:00.000Z', '2018-03-18T12:31:12.001Z']);
    expect(iso(parseInterval('2018-02-12T00:00:00Z/..').end)).toBeNull();
    expect(iso(parseInterval('../2018-03-18').end)).toBe('2018-03-19T00:00:00.000Z');
    expect(iso(parseInterval('/2018-03-18').start)).toBeNull();
    expect(iso(parseInterval('2018-02-12T01:00:00+01:00').start)).toBe('2018-02-12T00:00:00.000Z');
  });

  it('refuses what is not RFC 3339, reversed intervals and intervals open at both ends', () => {
    for (const text of ['yesterday', '2018-02-30', '2018-02-12T23:20:50', '2016-12-31T23:59:60Z', '2018-02-30T00:00:00Z', '../..', '2018-03-01/2018-02-01', 'a/b/c']) {
      expect(() => parseInterval(text), text).toThrow(IntervalError);
    }
  });
});

describe('names, sectors, letters, workflow and CSV cells', () => {
  it('derives the scene of a plume and the time of a scene', () => {
    expect(sceneNameOf('GAO20230628t191011p0000-B')).toBe('GAO20230628t191011p0000');
    expect(sceneNameOf('GAO20230628t191011p0000')).toBeUndefined();
    expect(sceneTime('GAO20230628t191011p0000')?.toISOString()).toBe('2023-06-28T19:10:11.000Z');
  });

  it('reads sector cells of the public CSV and writes them back', () => {
    expect(parseSector('Oil & Gas (1B2)')).toBe('1B2');
    expect(parseSector('Coal Mining (1B1a)')).toBe('1B1a');
    expect(parseSector('other')).toBe('other');
    expect(parseSector('NA')).toBe('NA');
    expect(parseSector('')).toBeNull();
    expect(parseSector('Aviation (1A3a)')).toBeUndefined();
    expect(sectorLabel('6A')).toBe('Solid Waste (6A)');
    expect(parseSector(sectorLabel('4B'))).toBe('4B');
  });

  it('letters plumes A…Z, AA…', () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(plumeLetter)).toEqual(['A', 'B', 'Z', 'AA', 'AB', 'AZ', 'BA', 'ZZ', 'AAA']);
  });

  it('reads letters back to their index, and names the next plume after the highest letter the organization sees', () => {
    expect(['A', 'B', 'Z', 'AA', 'AB', 'AZ', 'BA', 'ZZ', 'AAA'].map(letterIndex)).toEqual([0, 1, 25, 26, 27, 51, 52, 701, 702]);
    expect(nextPlumeName('GAO20240110t150000p0000', [])).toBe('GAO20240110t150000p0000-A');
    expect(nextPlumeName('GAO20240110t150000p0000', ['GAO20240110t150000p0000-A', 'GAO20240110t150000p0000-Z'])).toBe('GAO20240110t150000p0000-AA');
  });

  it('moves status along the workflow only', () => {
    expect(canMove('valid', 'publish_ready')).toBe(true);
    expect(canMove('publish_ready', 'published')).toBe(true);
    expect(canMove('valid', 'published')).toBe(false);
    expect(canMove('published', 'valid')).toBe(false);
    expect(canMove('deleted', 'valid')).toBe(false);
    expect(canMove('published', 'published')).toBe(true);
  });

  it('defuses spreadsheet formulas but keeps negative numbers', () => {
    expect(safeCell('=1+2')).toBe("'=1+2");
    expect(safeCell('+CMD')).toBe("'+CMD");
    expect(safeCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(safeCell('-2+3')).toBe("'-2+3");
    expect(safeCell('-119.0893')).toBe('-119.0893');
    expect(safeCell('-1.5e-3')).toBe('-1.5e-3');
    expect(safeCell('Oil & Gas (1B2)')).toBe('Oil & Gas (1B2)');
  });
});

describe('source names and figures', () => {
  it('names a source <gas>_<sector>_<eps>m_<lon>_<lat> with 5 decimals, and reads it back', () => {
    const name = sourceName({ gas: 'CH4', sector: '6A', eps: 100, longitude: -74.006559, latitude: 40.712834 });
    expect(name).toBe('CH4_6A_100m_-74.00656_40.71283');
    expect(parseSourceName(name)).toEqual({ gas: 'CH4', sector: '6A', eps: 100, longitude: -74.00656, latitude: 40.71283 });
    expect(parseSourceName('CH4_1B1a_250m_112.50000_-37.80000')).toMatchObject({ sector: '1B1a', eps: 250, latitude: -37.8 });
    expect(parseSourceName('N2O_6A_100m_0_0')).toBeUndefined();
    expect(parseSourceName('CH4_6A_100m_200.00000_0')).toBeUndefined();
  });

  it('takes observation dates once each, in order, whether the scene dates come sorted or not', () => {
    const detected = ['2024-01-05', '2024-01-20', '2024-03-01'];
    expect(observationDatesOf(['2024-01-01', '2024-01-20', '2024-02-10'], detected)).toEqual(['2024-01-01', '2024-01-05', '2024-01-20', '2024-02-10', '2024-03-01']);
    // A cut cluster's covering dates followed by its crossing scenes' (which may repeat them).
    expect(observationDatesOf(['2024-01-10', '2024-02-10', '2024-01-01', '2024-02-10'], detected)).toEqual(['2024-01-01', '2024-01-05', '2024-01-10', '2024-01-20', '2024-02-10', '2024-03-01']);
    expect(observationDatesOf([], detected)).toEqual(detected);
    expect(observationDatesOf(['2024-01-20'], [])).toEqual(['2024-01-20']);
    expect(observationDatesOf([], [])).toEqual([]);
  });

  it('measures in the UTM zone of the point', () => {
    expect(utmSrid(-74, 40.7)).toBe(32618);
    expect(utmSrid(-119.09, 35.5)).toBe(32611);
    expect(utmSrid(151.2, -33.9)).toBe(32756);
    expect(utmSrid(180, 0)).toBe(32660);
  });

  it('averages each day\'s known rates and uncertainties, in time order or not', () => {
    const days = ['2024-01-10', '2024-01-10', '2024-01-10', '2024-01-12', '2024-01-13', '2024-01-13'];
    const emissions = [0.1, 0.2, null, null, 7, 0.7];
    const uncertainties = [1, null, 3, null, 0.3, 0.6];
    const expected = [
      { date: '2024-01-10', mean_emission: (0 + 0.1 + 0.2) / 2, mean_uncertainty: (0 + 1 + 3) / 2 },
      { date: '2024-01-12', mean_emission: null, mean_uncertainty: null },
      { date: '2024-01-13', mean_emission: (0 + 7 + 0.7) / 2, mean_uncertainty: (0 + 0.3 + 0.6) / 2 },
    ];
    expect(dailyDetections(days, emissions, uncertainties)).toEqual(expected);
    // The same plumes out of time order: each day's values summed in the order they come.
    const order = [4, 0, 3, 1, 5, 2];
    const shuffled = dailyDetections(order.map((i) => days[i]!), order.map((i) => emissions[i]!), order.map((i) => uncertainties[i]!));
    expect(shuffled).toEqual([
      { date: '2024-01-10', mean_emission: (0 + 0.1 + 0.2) / 2, mean_uncertainty: (0 + 1 + 3) / 2 },
      expected[1],
      { date: '2024-01-13', mean_emission: (0 + 7 + 0.7) / 2, mean_uncertainty: (0 + 0.3 + 0.6) / 2 },
    ]);
    expect(dailyDetections([], [], [])).toEqual([]);
  });

  it('computes persistence, the source emission and its uncertainty', () => {
    const days = [
      { date: '2024-01-10', mean_emission: 100, mean_uncertainty: 10 },
      { date: '2024-01-20', mean_emission: 250, mean_uncertainty: 25 },
    ];
    const figures = sourceFigures(days, 4);
    expect(figures).toMatchObject({ persistence: 0.5, mean_detected_rate: 175, emission: 87.5 });
    expect(figures.emission_uncertainty).toBeCloseTo(Math.sqrt(725) / 4, 12);
    expect(sourceFigures([], 0)).toEqual({ persistence: 0, mean_detected_rate: null, emission: null, emission_uncertainty: null });
  });
});
