import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deviceProfileSchema } from './deviceProfile.js';
import { DEVICE_SETTINGS, deviceSettingsHelp } from './deviceSettings.js';

/** Every leaf path of a zod object schema with the values it accepts (enum options, 'on|off', or null for text). */
function leaves(schema: z.ZodType, prefix = ''): Map<string, string[] | null> {
  const out = new Map<string, string[] | null>();
  let s: z.ZodType = schema;
  let optional = false;
  while (s instanceof z.ZodOptional) {
    optional = true;
    s = s.unwrap() as z.ZodType;
  }
  if (s instanceof z.ZodObject) {
    for (const [key, child] of Object.entries(s.shape)) {
      for (const [p, v] of leaves(child as z.ZodType, prefix ? `${prefix}.${key}` : key)) out.set(p, v);
    }
    return out;
  }
  const values = s instanceof z.ZodEnum ? [...s.options].map(String) : s instanceof z.ZodBoolean ? ['on', 'off'] : null;
  out.set(prefix, values && optional ? [...values, '-'] : values);
  return out;
}

describe('DEVICE_SETTINGS', () => {
  const schemaLeaves = leaves(deviceProfileSchema);
  schemaLeaves.delete('v');

  it('should list exactly the settable fields of the device profile schema', () => {
    expect(DEVICE_SETTINGS.map((s) => s.path).sort()).toEqual([...schemaLeaves.keys()].sort());
  });

  it('should show the values the schema accepts for every switch and choice', () => {
    for (const s of DEVICE_SETTINGS) {
      const accepted = schemaLeaves.get(s.path);
      if (accepted) expect(s.values.split('|').sort(), s.path).toEqual([...accepted].sort());
    }
  });

  it('should name every setting in the help text', () => {
    const help = deviceSettingsHelp();
    for (const s of DEVICE_SETTINGS) expect(help).toContain(s.path);
  });
});
