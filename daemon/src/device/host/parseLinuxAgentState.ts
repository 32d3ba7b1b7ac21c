/**
 * Parses the Linux enrolling agent's state file (JSON), e.g.
 *   { "enrolled": true, "organisation": "Example Corp", "deviceId": "…" }
 * Linux has no OS-wide MDM registry, so the agent's own record is the source. A missing or
 * unreadable file, or one we do not understand, is "unknown".
 */
import { z } from 'zod';
import { type HostEnrollment, unknownEnrollment } from './HostEnrollment.js';

const MAX_BYTES = 64 * 1024;
const agentState = z
  .object({
    enrolled: z.boolean(),
    organisation: z.string().max(256).optional(),
    deviceId: z.string().max(128).optional(),
  })
  .passthrough();

export function parseLinuxAgentState(text: string): HostEnrollment {
  if (text.length > MAX_BYTES) return unknownEnrollment('agent state file too large');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return unknownEnrollment('agent state file is not JSON');
  }
  const parsed = agentState.safeParse(json);
  if (!parsed.success) return unknownEnrollment('agent state file not recognised');
  if (!parsed.data.enrolled) return { state: 'not-enrolled', reason: 'agent: not enrolled' };
  return {
    state: 'enrolled',
    type: 'desktop-agent',
    ...(parsed.data.organisation ? { organisation: parsed.data.organisation } : {}),
    reason: 'agent: enrolled',
  };
}
