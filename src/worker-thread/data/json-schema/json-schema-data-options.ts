/** What changes how Connect schemas and values map to JSON Schema and JSON (Confluent's JsonSchemaDataConfig). */
export interface JsonSchemaDataOptions {
  /** `decimal.format`: a Decimal as base64 of its unscaled bytes (BASE64) or as a JSON number (NUMERIC). */
  readonly decimalFormat: 'BASE64' | 'NUMERIC';
  /** `object.additional.properties`: false writes `"additionalProperties":false` on every STRUCT's object. */
  readonly allowAdditionalProperties: boolean;
  /** `use.optional.for.nonrequired`: reading, a property not in `required` becomes an optional field. */
  readonly useOptionalForNonRequired: boolean;
  /** `ignore.default.for.nullables`: a null stays null instead of becoming the schema's default. */
  readonly ignoreDefaultForNullables: boolean;
}

export const DEFAULT_JSON_SCHEMA_DATA_OPTIONS: JsonSchemaDataOptions = Object.freeze({
  decimalFormat: 'BASE64',
  allowAdditionalProperties: true,
  useOptionalForNonRequired: false,
  ignoreDefaultForNullables: false,
});
