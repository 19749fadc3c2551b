import { Type, type Static } from 'typebox';
import { Timestamp, Uuid } from '../../platform/http/common-schemas.js';

export const FACILITY_TYPES = [
  'office', 'warehouse', 'factory', 'store', 'retail', 'datacenter', 'logistics_center',
  'hotel', 'hospital', 'school', 'laboratory', 'farm', 'residential', 'other',
] as const;
export const FACILITY_STATUSES = ['active', 'archived'] as const;
export const CONSUMPTION_CATEGORIES = ['heat', 'electricity', 'water', 'recharge'] as const;
export const DEFAULT_PAGE = 1;
export const DEFAULT_PAGE_SIZE = 10;
export const FACILITY_PURPOSE_TYPES = ['facilities', 'logistics_hub'] as const;

const FacilityType = Type.Enum([...FACILITY_TYPES], { description: 'Kind of site', examples: ['office'] });
const FacilityStatus = Type.Enum([...FACILITY_STATUSES]);
const CountryCode = Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2 code', examples: ['ES'] });
const LogisticFactor = Type.Number({ minimum: 0, maximum: 1, description: 'Share applied to scope 2 in logistics reports (0–1)' });
const Categories = Type.Array(Type.Enum([...CONSUMPTION_CATEGORIES]), { uniqueItems: true, maxItems: 4, description: 'Consumption categories enabled for this facility' });
const CupsList = Type.Array(Type.String({ minLength: 1, maxLength: 40 }), {
  maxItems: 200,
  description: 'Electricity supply point codes (CUPS), checked with their control letters',
  examples: [['ES0021000000000001RK']],
});
const PurposeType = Type.Enum([...FACILITY_PURPOSE_TYPES]);
const Address = Type.Union([Type.String({ maxLength: 500 }), Type.Null()]);
const Name = Type.String({ minLength: 1, maxLength: 255, pattern: '\\S', examples: ['Madrid Office'] });

export const Facility = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    type: Type.String(),
    country: Type.String(),
    address: Address,
    status: FacilityStatus,
    co2e: Type.Number({ description: 'kg CO2e from the facility consumption (read-only)' }),
    co2e_biomass: Type.Number({ description: 'kg CO2e from biomass (read-only)' }),
    logistic_factor: Type.Number(),
    categories: Type.Array(Type.String()),
    cups_list: Type.Array(Type.String()),
    facility_purpose_type: Type.String(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { title: 'Facility' },
);
export type Facility = Static<typeof Facility>;

/**
 * Read-only fields are accepted and ignored, so a client can send back an object it read; any other
 * unknown field is refused.
 */
const ReadOnlyFields = {
  id: Type.Optional(Type.Unknown({ readOnly: true })),
  co2e: Type.Optional(Type.Unknown({ readOnly: true })),
  co2e_biomass: Type.Optional(Type.Unknown({ readOnly: true })),
  created_at: Type.Optional(Type.Unknown({ readOnly: true })),
  updated_at: Type.Optional(Type.Unknown({ readOnly: true })),
};

export const CreateFacilityBody = Type.Object(
  {
    name: Name,
    type: FacilityType,
    country: CountryCode,
    address: Type.Optional(Address),
    status: Type.Optional(FacilityStatus),
    logistic_factor: Type.Optional(LogisticFactor),
    categories: Type.Optional(Categories),
    cups_list: Type.Optional(CupsList),
    facility_purpose_type: Type.Optional(PurposeType),
    ...ReadOnlyFields,
  },
  { additionalProperties: false, title: 'FacilityCreate' },
);
export type CreateFacilityBody = Static<typeof CreateFacilityBody>;

export const UpdateFacilityBody = Type.Partial(CreateFacilityBody, {
  additionalProperties: false,
  title: 'FacilityUpdate',
  description: 'Only the fields sent change.',
});
export type UpdateFacilityBody = Static<typeof UpdateFacilityBody>;

export const FacilityParams = Type.Object({ facility_id: Uuid });

export const ListFacilitiesQuery = Type.Object(
  {
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: DEFAULT_PAGE })),
    size: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: DEFAULT_PAGE_SIZE })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Part of the name, any case' })),
    country: Type.Optional(CountryCode),
    type: Type.Optional(FacilityType),
    'status[]': Type.Optional(Type.Array(FacilityStatus, { maxItems: 2 })),
    status: Type.Optional(Type.Array(FacilityStatus, { maxItems: 2, description: 'Same as status[]' })),
  },
  { additionalProperties: false },
);
export type ListFacilitiesQuery = Static<typeof ListFacilitiesQuery>;

/** The list's filters, without its paging: an export has every matching facility. */
export const ExportFacilitiesQuery = Type.Omit(ListFacilitiesQuery, ['page', 'size'], { additionalProperties: false });

export const FacilityPage = Type.Object({
  items: Type.Array(Facility),
  total: Type.Integer({ description: 'Facilities matching every filter' }),
  total2: Type.Integer({ description: 'Archived facilities matching the filters other than status' }),
  page: Type.Integer(),
  size: Type.Integer(),
  pages: Type.Integer(),
});
