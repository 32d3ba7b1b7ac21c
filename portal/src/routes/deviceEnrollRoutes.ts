/**
 * `POST /api/devices/enroll`: a device registers its identity key in the organisation's
 * inventory with a single-use enrollment token (contract in the project brief):
 * `{ token, publicKey, enrollmentType, platform, name }` → 201 `{ deviceId, organisation }`.
 * Called by `keybound device enroll`, not by browsers: no cookie, no CSRF; the token is the proof.
 */
import { webcrypto } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { PortalError } from '../../../shared/errors.js';
import { enrollmentType, platform } from '../../../shared/protocol/device.js';
import { parseBody } from '../http/parseBody.js';
import type { PortalContext } from '../PortalContext.js';
import { randomId } from '../security/tokens.js';
import { audit } from '../store/audit.js';
import { insertDevice } from '../store/devices.js';
import { consumeEnrollmentToken, enrollmentTokenUsable } from '../store/enrollmentTokens.js';
import { recordTpmDevice } from '../store/keyProtection.js';
import { getOrganisation } from '../store/organisations.js';
import {
  tpmActivationChallenge,
  tpmEnrollmentBody,
  tpmEvidence,
  verifyTpmEnrollment,
} from '../verify/tpm/verifyTpmEnrollment.js';

const coordinate = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected a 32-byte base64url coordinate');
const publicJwk = z
  .object({
    kty: z.literal('EC'),
    crv: z.literal('P-256'),
    x: coordinate,
    y: coordinate,
    alg: z.literal('ES256').optional(),
    ext: z.boolean().optional(),
    key_ops: z.array(z.string().max(16)).max(4).optional(),
    use: z.literal('sig').optional(),
  })
  .strict();
const enrollBody = z
  .object({
    token: z.string().min(1).max(256),
    publicKey: publicJwk,
    enrollmentType,
    platform,
    name: z.string().trim().min(1).max(128),
    /** TPM key stores: the attestation evidence and the activation secret (decision 0061). */
    tpm: tpmEnrollmentBody.optional(),
  })
  .strict();
const tpmChallengeBody = tpmEvidence.extend({ token: z.string().min(1).max(256) }).strict();

export function deviceEnrollRoutes(ctx: PortalContext): Router {
  const router = Router();
  router.post('/enroll/tpm-challenge', async (req, res) => {
    const body = parseBody(tpmChallengeBody, req.body);
    if (!(await enrollmentTokenUsable(ctx.db, body.token, ctx.clock()))) {
      throw new PortalError(
        'ERR_ENROLLMENT_TOKEN_INVALID',
        'The enrollment token is not valid: it is unknown, expired or already used. Ask your admin for a new one.',
      );
    }
    res.status(200).json(await tpmActivationChallenge(ctx, body));
  });
  router.post('/enroll', async (req, res) => {
    const body = parseBody(enrollBody, req.body);
    const jwk = { kty: 'EC', crv: 'P-256', x: body.publicKey.x, y: body.publicKey.y };
    try {
      // Refuses points that are not on the curve before they enter the inventory.
      await webcrypto.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
    } catch {
      throw new PortalError('ERR_BAD_REQUEST', 'publicKey is not a valid P-256 public key');
    }
    // A TPM device proves its keys are in a genuine TPM before the token is spent.
    const tpm = body.tpm
      ? await verifyTpmEnrollment(ctx, { tpm: body.tpm, token: body.token, identityJwk: jwk })
      : undefined;
    const now = ctx.clock();
    const deviceId = randomId('dev');
    const orgId = await ctx.db.transaction(async (tx) => {
      const org = await consumeEnrollmentToken(tx, body.token, deviceId, now);
      if (!org) return null;
      await insertDevice(tx, {
        id: deviceId,
        orgId: org,
        publicJwk: jwk,
        enrollmentType: body.enrollmentType,
        platform: body.platform,
        name: body.name,
        enrolledAt: now,
      });
      if (tpm) await recordTpmDevice(tx, deviceId, tpm);
      return org;
    });
    if (!orgId) {
      ctx.logger.warn({ event: 'device.enroll-refused', code: 'ERR_ENROLLMENT_TOKEN_INVALID' }, 'enrollment refused');
      throw new PortalError(
        'ERR_ENROLLMENT_TOKEN_INVALID',
        'The enrollment token is not valid: it is unknown, expired or already used. Ask your admin for a new one.',
      );
    }
    const org = await getOrganisation(ctx.db, orgId);
    await audit(
      ctx.db,
      {
        event: 'device.enrolled',
        actor: `device:${deviceId}`,
        orgId,
        deviceId,
        details: {
          enrollmentType: body.enrollmentType,
          platform: body.platform,
          name: body.name,
          keyProtection: tpm ? `tpm (${tpm.manufacturer} ${tpm.model})` : 'software',
        },
      },
      now,
    );
    ctx.logger.info({ event: 'device.enrolled', deviceId }, 'device enrolled');
    res.status(201).json({
      deviceId,
      organisation: org?.name ?? orgId,
      keyProtection: tpm ? 'tpm' : 'software',
      ...(tpm ? { attestationCertificate: tpm.attestationCertificate } : {}),
    });
  });
  return router;
}
