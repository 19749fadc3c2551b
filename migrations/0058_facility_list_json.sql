-- Each facility keeps its list item as the JSON text the API sends (decision 0039): the Facility
-- schema's keys in its order, written as the route's serializer writes them. A page of 50 is then
-- the stored texts joined with commas: PostgreSQL builds no JSON per request, and Node neither parses
-- nor serializes the page. A BEFORE trigger rewrites the text on every insert and update, in the
-- same statement, so it can never be older than its row. A change to the Facility schema comes with
-- a migration that replaces facility_json() and rewrites the column; facilities-list-bytes.test.ts
-- holds the route's bytes to the serializer's and fails on any drift.

-- A float8 as JavaScript's Number#toString writes it (what JSON.stringify and fast-json-stringify
-- write): the shortest digits that read back as the same double, in decimal notation from 1e-7 up
-- to 1e21 and as d.ddde±x outside it. float8out also writes the shortest digits (with
-- extra_float_digits above 0), but in exponent form below 1e-4 and from 1e15, with two-digit
-- exponents, "-0" for negative zero, and an integer's exact digits above 2^53 ("3.5946088588538048e+16"
-- where JavaScript writes 35946088588538050): those cases are rewritten here.
CREATE FUNCTION json_number(value float8) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET extra_float_digits = 1 AS $$
DECLARE
  shortest text := value::text;
  mantissa text;
  exponent int;
  sign text := '';
  digits text;
  candidate numeric;
BEGIN
  -- JSON has no infinities or NaN: null, as the serializer writes an infinity (a legacy total may
  -- hold one, see migration 0019).
  IF value IS NULL OR value = 'Infinity' OR value = '-Infinity' OR value = 'NaN' THEN RETURN 'null'; END IF;
  IF value = 0 THEN RETURN '0'; END IF;
  IF strpos(shortest, 'e') = 0 THEN RETURN shortest; END IF;
  mantissa := split_part(shortest, 'e', 1);
  exponent := split_part(shortest, 'e', 2)::int;
  IF left(mantissa, 1) = '-' THEN
    sign := '-';
    mantissa := substr(mantissa, 2);
  END IF;
  IF exponent >= 15 THEN
    -- The fewest significant digits that read back as the same double.
    FOR precision IN 1 .. length(replace(mantissa, '.', '')) - 1 LOOP
      candidate := round(mantissa::numeric, precision - 1);
      CONTINUE WHEN exponent = 308 AND candidate > 1.7976931348623157;
      IF (candidate::text || 'e' || exponent)::float8 = abs(value) THEN
        IF candidate >= 10 THEN
          -- 9.999999999999999e+22 rounds to 10e22, which is 1e23.
          mantissa := '1';
          exponent := exponent + 1;
        ELSE
          mantissa := candidate::text;
          IF strpos(mantissa, '.') > 0 THEN mantissa := rtrim(rtrim(mantissa, '0'), '.'); END IF;
        END IF;
        EXIT;
      END IF;
    END LOOP;
  END IF;
  IF exponent >= 21 OR exponent <= -7 THEN
    RETURN sign || mantissa || 'e' || CASE WHEN exponent > 0 THEN '+' ELSE '-' END || abs(exponent)::text;
  END IF;
  digits := replace(mantissa, '.', '');
  IF exponent < 0 THEN
    RETURN sign || '0.' || repeat('0', -exponent - 1) || digits;
  END IF;
  IF length(digits) - 1 <= exponent THEN
    RETURN sign || digits || repeat('0', exponent - length(digits) + 1);
  END IF;
  RETURN sign || left(digits, exponent + 1) || '.' || substr(digits, exponent + 2);
END;
$$;

-- The Facility schema's item. Strings through to_json, which escapes as JSON.stringify does (quote,
-- backslash, \b \f \n \r \t, other control characters as \u00xx); timestamps as Date#toISOString
-- writes them (UTC, milliseconds, the microseconds cut), as the driver's Date would.
CREATE FUNCTION facility_json(f facilities) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
RETURN '{"id":"' || f.id::text
  || '","name":' || to_json(f.name)::text
  || ',"type":' || to_json(f.type)::text
  || ',"country":' || to_json(f.country)::text
  || ',"address":' || COALESCE(to_json(f.address)::text, 'null')
  || ',"status":' || to_json(f.status)::text
  || ',"co2e":' || json_number(f.co2e)
  || ',"co2e_biomass":' || json_number(f.co2e_biomass)
  || ',"logistic_factor":' || json_number(f.logistic_factor)
  || ',"categories":' || to_json(f.categories)::text
  || ',"cups_list":' || to_json(f.cups_list)::text
  || ',"facility_purpose_type":' || to_json(f.facility_purpose_type)::text
  || ',"created_at":"' || to_char(f.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  || '","updated_at":"' || to_char(f.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  || '"}';

ALTER TABLE facilities ADD COLUMN list_json text;

CREATE FUNCTION facility_list_json_before_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.list_json := facility_json(NEW);
  RETURN NEW;
END;
$$;

-- BEFORE triggers fire in the order of their names: this one is named to come last, after any
-- other that changes the row (today it is the only one).
CREATE TRIGGER zz_facility_list_json BEFORE INSERT OR UPDATE ON facilities
  FOR EACH ROW EXECUTE FUNCTION facility_list_json_before_write();

-- The trigger writes every row's text.
UPDATE facilities SET list_json = NULL;
ALTER TABLE facilities ALTER COLUMN list_json SET NOT NULL;
