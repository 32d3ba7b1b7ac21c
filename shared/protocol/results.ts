/**
 * The results of the two ceremonies, declared once. The same shape crosses every hop: daemon →
 * worker (messages.ts `resultSchemas`), worker → page (pageApi.ts `pageResults`) and page →
 * portal (the body of `POST /api/webauthn/*\/verify`).
 */
import { z } from 'zod';
import { MAX_DEVICE_STATEMENT_CHARS } from '../device/deviceStatementSchema.js';
import { authenticationResponseJSON, registrationResponseJSON } from './webauthnJson.js';

/** A registration: the WebAuthn attestation response and the daemon's signed device statement (a compact JWS). */
export const registrationResult = z
  .object({ credential: registrationResponseJSON, deviceStatement: z.string().max(MAX_DEVICE_STATEMENT_CHARS) })
  .strict();
export type RegistrationResult = z.infer<typeof registrationResult>;

/** A sign-in: the WebAuthn assertion. */
export const signInResult = z.object({ credential: authenticationResponseJSON }).strict();
export type SignInResult = z.infer<typeof signInResult>;
