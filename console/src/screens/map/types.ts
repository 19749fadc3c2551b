/** The parts of the catalog's answers the map shows (the full shapes are in /openapi.json). */
export interface Plume {
  id: string;
  plume_id: string;
  gas: string;
  geometry_json: { coordinates: number[] };
  scene_id: string;
  scene_name: string;
  scene_timestamp: string;
  instrument: string;
  platform: string | null;
  emission_auto: number | null;
  emission_uncertainty_auto: number | null;
  wind_speed_avg_auto: number | null;
  wind_speed_std_auto: number | null;
  wind_direction_avg_auto: number | null;
  wind_source_auto: string | null;
  plume_bounds: number[];
  plume_quality: string | null;
  plume_tif: string | null;
  sector: string | null;
  status: string;
  published_at: string | null;
}

export interface SourceFigures {
  source_name: string;
  gas: string;
  sector: string;
  plume_count: number;
  emission_auto: number | null;
  emission_uncertainty_auto: number | null;
  timestamp_min: string;
  timestamp_max: string;
  detection_date_count: number;
  observation_date_count: number;
  persistence: number;
}

export interface SourceObject {
  plumes: Plume[];
  source_name: string;
  source: SourceFigures;
  observation_dates: string[];
  detection_dates: string[];
  explanation: {
    summary: Record<string, unknown>;
    daily_breakdown: Array<Record<string, unknown>>;
    calculation_details: Record<string, unknown>;
  } | null;
}

export interface SectorAggregate {
  sector: string;
  emission_sum: number;
  emission_uncertainty_sum: number;
  plume_count: number;
  persistence_avg: number;
}

export interface PlumePage {
  bbox_count: number;
  total_count: number;
}
