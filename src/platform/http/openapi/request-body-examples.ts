/**
 * A real request body for every operation that takes one, keyed by operationId: the README's
 * examples and values from the demo data (its organization, facilities, plumes and registry), so
 * that "Try it out" in /docs sends something the server accepts. openapi-examples.test.ts checks
 * that each operation with a body has an entry here and that it validates against the body schema.
 */
const DEMO_ORGANIZATION = '00000000-0000-4000-8000-000000000001';
const SCENE = '4a1d2c3b-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const PERMIAN_SQUARE = [[[-104, 31], [-101, 31], [-101, 33], [-104, 33], [-104, 31]]];

const facility = {
  name: 'Sevilla Warehouse',
  type: 'warehouse',
  country: 'ES',
  address: 'Calle Torneo 12, Sevilla',
  categories: ['heat', 'electricity', 'water'],
  cups_list: ['ES0021000000000042AQ'],
};
const consumption = { category: 'electricity', quantity: 12.5, unit: 'MWh', period_start: '2024-01-01', period_end: '2024-03-31' };
const emission = { facility_id: 'fac_8x92m1', scope: 2, category: 'electricity', value: 1450.5, unit: 'kgCO2e', timestamp: '2024-11-15T14:30:00Z' };
const plume = { geometry_json: { type: 'Point', coordinates: [-102.35, 31.84] }, scene_id: SCENE, gas: 'CH4', status: 'valid', quality: 'good', sector: '1B2', notes: 'Tank battery, visible in two overpasses.' };
const assignment = { assignees: [2], scenes: [SCENE], note: 'Permian scenes of the week' };
const profile = { organization: 'Acme Energy', title: 'Methane analyst', industry: 'business', usage: 'work-related-research' };
const searchRequest = { name: 'Permian CH4 above 500 kg/h', query: { plume_gas: 'CH4', emission_min: 500, sectors: ['1B2'] }, change_detection_enabled: true, change_detection_schedule: 'Weekly' };
const layerForm = { name: 'permian_wells', verbose_name: 'Permian well pads', description: 'Well pads from the state registry', file: 'wells.geojson' };
const targetSpec = { name: 'Permian weekly', input_layers_names: ['permian_wells'], off_nadir_angle_max: 30, solar_zenith_angle_max: 70, start_time: '2025-01-01T00:00:00Z', end_time: '2025-03-31T23:59:59Z', recurrence_frequency: 'WEEKLY', priority: 50 };
const ISS_TLE = {
  name: 'ISS (ZARYA)',
  tle_line1: '1 25544U 98067A   24320.51782528  .00016717  00000-0  30153-3 0  9993',
  tle_line2: '2 25544  51.6411 281.9232 0007417  40.4938 319.6601 15.50044525481203',
};

export const REQUEST_BODY_EXAMPLES: Record<string, unknown> = {
  // Platform identity
  signIn: { email: 'demo@carbon-atlas.test', password: 'demo-printed-by-npm-run-demo' },
  refreshToken: { refresh_token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIiwidHlwIjoicmVmcmVzaCJ9.c2lnbmF0dXJl' },
  signOut: { refresh_token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIiwidHlwIjoicmVmcmVzaCJ9.c2lnbmF0dXJl' },
  createApiKey: { name: 'meter gateway', scopes: ['facilities:read'], tier: 'standard' },
  // Facilities and their consumption
  createFacility: facility,
  updateFacility: { status: 'archived' },
  replaceFacilityFields: { name: 'Sevilla Warehouse North', logistic_factor: 0.8 },
  addConsumption: consumption,
  replaceConsumption: { ...consumption, quantity: 13.1 },
  // Emissions
  submitEmission: emission,
  voidEmission: { reason: 'Duplicate of the meter reading sent on 15 November.' },
  ingestEmissionBatch: { records: [emission, { ...emission, scope: 1, category: 'stationary_combustion', value: 320, timestamp: '2024-11-16T08:00:00Z' }] },
  createEmissionFactor: { activity: 'electricity', unit: 'kWh', region: 'ES', year: 2024, kg_co2e_per_unit: 0.108, scope: 2, method: 'market-based', source: 'Supplier disclosure 2024' },
  replaceEmissionFactor: { kg_co2e_per_unit: 0.112, source: 'Supplier disclosure 2024, revised' },
  createWebhook: { url: 'https://hooks.acme.example/carbon-atlas', events: ['emission.created', 'threshold.exceeded'] },
  setEmissionThreshold: { monthly_kg: 25000 },
  // Credit registry
  openSubaccount: { name: 'Retirements 2025' },
  transactCredits: { creditId: '5f0c3a2e-8b1d-4e6f-9a7c-2d3e4f5a6b7c', amount: 10, retirementData: { beneficiaryName: 'Demo', reason: 'offset' } },
  createProject: { fullName: 'Cerrado Native Forest Restoration', countryCode: 'BRA' },
  issueCredits: { vintage: 2024, supply: 5000, type: 'exPost', toOrganizationId: DEMO_ORGANIZATION },
  // Plume-platform accounts
  obtainTokenPair: { email: 'user@domain.com', password: '3v@b8cG4' },
  refreshTokenPair: { refresh: 'eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCJ9.c2lnbmF0dXJl' },
  verifyToken: { token: 'eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIn0.c2lnbmF0dXJl' },
  createStacToken: { name: 'QGIS', expiration_date: '2025-12-31' },
  register: { email: 'user@domain.com', password1: '3v@b8cG4', password2: '3v@b8cG4', first_name: 'John', last_name: 'Doe' },
  registerVerify: { uidb64: 'Mg', token: 'cf8k2a-5d1e0b9c7a3f2e4d6b8a0c1e3f5a7b9d' },
  requestPasswordReset: { email: 'user@domain.com' },
  resetPassword: { new_password1: 'n3w-S3cret!', new_password2: 'n3w-S3cret!', uidb64: 'Mg', token: 'cf8k2a-5d1e0b9c7a3f2e4d6b8a0c1e3f5a7b9d' },
  changePassword: { old_password: '3v@b8cG4', new_password1: 'n3w-S3cret!', new_password2: 'n3w-S3cret!' },
  patchMe: profile,
  patchUser: { ...profile, title: 'Team lead' },
  createSearchRequest: searchRequest,
  patchSearchRequest: { change_detection_schedule: 'Daily' },
  oauth: { id_token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbmEifQ.c2lnbmF0dXJl', session_state: 'c1b7e7a0-3f4d', state: 'Zq3l1sQ0m8B2v9Xw' },
  // Plume catalog
  createPlume: plume,
  updatePlume: { ...plume, status: 'publish_ready' },
  patchPlume: { status: 'published' },
  // Maps: layers and areas
  createLayer: layerForm,
  updateLayer: { verbose_name: 'Permian well pads (2025)' },
  createGridLayer: { layer_ids: [1], buffer_distance: 500, spacing: 1000, name: 'permian_wells_grid' },
  createAoi: { name: 'Permian core', geometry_json: { type: 'Polygon', coordinates: PERMIAN_SQUARE } },
  createAoiFromFile: { name: 'Permian core', file: 'permian.geojson' },
  // STAC
  postStacAggregate: { bbox: [-105, 30, -100, 34], datetime: '2019-01-01T00:00:00Z/..', aggregations: ['total_count', 'datetime_frequency', 'emission_frequency'], datetime_frequency_interval: 'year' },
  postStacSearch: { bbox: [-105, 30, -100, 34], datetime: '2019-01-01T00:00:00Z/..', filter: 'cm:emission > 500', 'filter-lang': 'cql2-text', sortby: [{ field: 'cm:emission', direction: 'desc' }], limit: 5 },
  // Picker
  createAssignment: assignment,
  modifyAssignment: { ...assignment, assignees: [2, 3] },
  patchAssignment: { note: 'Done by Friday' },
  saveSceneAssessment: { scene_id: SCENE, low_snr: false, cloud_cover_pct: 10, note: 'Clear sky over the basin.' },
  createSceneAssessment: { scene_id: SCENE, low_snr: true, cloud_cover_pct: 35, note: 'Haze in the south-east corner.' },
  updateSceneAssessmentStatus: { status: 'In Progress', note: 'Started' },
  // Tasking
  createTargetDeck: { name: 'permian-2025-q1', verbose_name: 'Permian, first quarter 2025', replacement_method: 'APPEND' },
  patchTargetDeck: { status: 'SUBMITTED' },
  createTargetSpec: targetSpec,
  patchTargetSpec: { priority: 80 },
  createTaskCapture: { target_spec_id: '7c9e6679-7425-40de-944b-e07fc1f90ae7', captured_at: '2025-01-08T17:42:00Z', scene: 'GAO20250108t174200', notes: 'Partial cloud over the northern wells.' },
  reviewTaskCapture: { decision: 'REJECTED', notes: 'Retry next week.', rejection: { reason: 'CLOUD_COVER', description: 'More than half of the target under clouds.' } },
  createTaskingPlatform: ISS_TLE,
  patchTaskingPlatform: { name: 'ISS' },
  // Community
  saveOperatorReport: {
    plume_identifier: 'GAO20230628t191011p0000-B',
    investigation_date: '2025-01-23',
    investigation_method: 'Survey',
    classification: 'Unexpected',
    operator_name: 'Acme Energy',
    equipment_group: 'Tank battery',
    location: ['-102.35', '31.84'],
    leak_status: 'Needs Repair',
    notes: 'Thief hatch left open.',
  },
  createWatch: { name: 'Permian core', area: { type: 'Polygon', coordinates: PERMIAN_SQUARE }, threshold_kg_h: 500, email: true },
};
