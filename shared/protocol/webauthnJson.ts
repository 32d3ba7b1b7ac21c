/**
 * WebAuthn JSON shapes (the Level 3 `toJSON()` forms that @simplewebauthn uses), as strict zod
 * schemas. Options flow portal → page → extension → daemon; responses flow back.
 */
import { z } from 'zod';
import { base64url, rpId } from './common.js';

const transport = z.enum(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);

const credentialDescriptor = z
  .object({ id: base64url, type: z.literal('public-key'), transports: z.array(transport).max(8).optional() })
  .strict();

const userVerification = z.enum(['required', 'preferred', 'discouraged']);

export const creationOptionsJSON = z
  .object({
    rp: z.object({ id: rpId.optional(), name: z.string().max(256) }).strict(),
    user: z
      .object({ id: base64url.max(128), name: z.string().min(1).max(256), displayName: z.string().max(256) })
      .strict(),
    challenge: base64url.min(43).max(256),
    pubKeyCredParams: z
      .array(z.object({ type: z.literal('public-key'), alg: z.number().int() }).strict())
      .min(1)
      .max(16),
    timeout: z.number().int().positive().max(600_000).optional(),
    excludeCredentials: z.array(credentialDescriptor).max(256).optional(),
    authenticatorSelection: z
      .object({
        authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
        residentKey: z.enum(['discouraged', 'preferred', 'required']).optional(),
        requireResidentKey: z.boolean().optional(),
        userVerification: userVerification.optional(),
      })
      .strict()
      .optional(),
    attestation: z.enum(['none', 'indirect', 'direct', 'enterprise']).optional(),
    hints: z.array(z.string().max(32)).max(8).optional(),
    extensions: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export const requestOptionsJSON = z
  .object({
    challenge: base64url.min(43).max(256),
    timeout: z.number().int().positive().max(600_000).optional(),
    rpId: rpId.optional(),
    allowCredentials: z.array(credentialDescriptor).max(256).optional(),
    userVerification: userVerification.optional(),
    hints: z.array(z.string().max(32)).max(8).optional(),
    extensions: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export const registrationResponseJSON = z
  .object({
    id: base64url,
    rawId: base64url,
    type: z.literal('public-key'),
    response: z
      .object({
        clientDataJSON: base64url,
        attestationObject: base64url,
        authenticatorData: base64url.optional(),
        transports: z.array(transport).max(8).optional(),
        publicKeyAlgorithm: z.number().int().optional(),
        publicKey: base64url.optional(),
      })
      .strict(),
    authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
    clientExtensionResults: z.record(z.string(), z.unknown()),
  })
  .strict();

export const authenticationResponseJSON = z
  .object({
    id: base64url,
    rawId: base64url,
    type: z.literal('public-key'),
    response: z
      .object({
        clientDataJSON: base64url,
        authenticatorData: base64url,
        signature: base64url,
        userHandle: base64url.optional(),
      })
      .strict(),
    authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
    clientExtensionResults: z.record(z.string(), z.unknown()),
  })
  .strict();

export type CreationOptionsJSON = z.infer<typeof creationOptionsJSON>;
export type RequestOptionsJSON = z.infer<typeof requestOptionsJSON>;
export type RegistrationResponseJSON = z.infer<typeof registrationResponseJSON>;
export type AuthenticationResponseJSON = z.infer<typeof authenticationResponseJSON>;
