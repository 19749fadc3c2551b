-- Quantities are finite and bounded at validation now (1e400 used to arrive as Infinity, and
-- 1e308 kgCO2e records made every sum overflow). Records stored before that are voided, not
-- deleted: they stay visible with include_voided, with the reason, and stop counting in totals.
-- In PostgreSQL NaN and Infinity sort above every number, so one comparison catches all three.
UPDATE emissions
SET voided_at = now(),
    void_reason = 'Value out of range (more than 10^12 reported or 10^15 kgCO2e, or not a finite number); voided when quantities were bounded.'
WHERE voided_at IS NULL
  AND (value_kg > 1e15 OR co2e_biomass_kg > 1e15 OR reported_value > 1e12 OR reported_value < 0);

-- An organization's own factor stored as Infinity or NaN never had a usable value (every figure
-- calculated with it is voided above): it is removed, so selection falls back to the library.
DELETE FROM organization_emission_factors
WHERE kg_co2e_per_unit = 'Infinity'::float8 OR kg_co2e_per_unit = 'NaN'::float8
   OR co2_biogenic_per_unit = 'Infinity'::float8 OR co2_biogenic_per_unit = 'NaN'::float8;

-- The database refuses non-finite quantities from now on, whatever the application sends.
-- NOT VALID: checked for new and updated rows; rows voided above are kept as they were.
ALTER TABLE emissions
  ADD CONSTRAINT emissions_quantities_finite
  CHECK (value_kg < 'Infinity'::float8 AND reported_value < 'Infinity'::float8 AND co2e_biomass_kg < 'Infinity'::float8) NOT VALID;
ALTER TABLE facility_consumption
  ADD CONSTRAINT facility_consumption_quantities_finite
  CHECK (quantity < 'Infinity'::float8 AND supplier_factor < 'Infinity'::float8) NOT VALID;
ALTER TABLE organization_emission_factors
  ADD CONSTRAINT organization_emission_factors_finite
  CHECK (kg_co2e_per_unit < 'Infinity'::float8 AND co2_biogenic_per_unit < 'Infinity'::float8) NOT VALID;
ALTER TABLE organization_emission_factor_versions
  ADD CONSTRAINT organization_emission_factor_versions_finite
  CHECK (kg_co2e_per_unit < 'Infinity'::float8 AND co2_biogenic_per_unit < 'Infinity'::float8) NOT VALID;
