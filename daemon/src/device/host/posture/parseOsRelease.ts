/** os-release(5): NAME and VERSION_ID; "unknown" for what the file does not say. */
export function parseOsRelease(text: string): { osName: string; osVersion: string } {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) fields.set(m[1], m[2].replace(/^["']|["']$/g, ''));
  }
  const clip = (v: string | undefined) => (v && v.length > 0 ? v.slice(0, 64) : 'unknown');
  return { osName: clip(fields.get('NAME') ?? fields.get('ID')), osVersion: clip(fields.get('VERSION_ID')) };
}
