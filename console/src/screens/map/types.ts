import type { Answer } from '../../api/client.js';

/** The catalog's answers the map shows, as /openapi.json declares them (api/openapi.d.ts). */
export type Plume = Answer<'/api/v1/catalog/plume/{plume_id}'>;
export type SourceObject = Answer<'/api/v1/catalog/source/{source_name}'>;
export type SourceFigures = SourceObject['source'];
export type SectorAggregate = Answer<'/api/v1/catalog/sources/aggregate'>[number];
export type PlumePage = Answer<'/api/v1/catalog/plumes/annotated'>;
