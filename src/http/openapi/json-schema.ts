import { z } from 'zod';

/** Formats that already say what the regular expression zod adds for them would. */
const selfDescribingFormats = new Set(['date-time', 'date', 'uuid', 'email', 'uri']);

/**
 * A zod schema as the JSON Schema (draft 2020-12, which OpenAPI 3.1 uses) of a request (`input`:
 * what a client may send, defaults optional) or a response (`output`: what it gets).
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const converted = z.toJSONSchema(schema, {
    io,
    // A transform (a date string parsed to a Date) is documented by its input side.
    unrepresentable: 'any',
    override: (context) => {
      const json = context.jsonSchema as Record<string, unknown>;
      if (typeof json.format === 'string' && selfDescribingFormats.has(json.format)) {
        delete json.pattern;
      }
    },
  }) as Record<string, unknown>;
  delete converted.$schema;
  return converted;
}
