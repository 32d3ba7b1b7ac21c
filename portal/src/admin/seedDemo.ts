/**
 * The demo organisation `npm start` and the demo script use: one organisation with MFA required
 * and Device Trust on, one user with a password and a TOTP secret. Idempotent: a second call
 * returns the same user (the password is fixed; the TOTP secret is read back from the database).
 */
import type { PortalDb } from '../db/PortalDb.js';
import { totpUri } from '../security/totp.js';
import { ensureOrganisation, setDeviceTrust, setMfaRequired } from '../store/organisations.js';
import { findUserInOrg, getTotp } from '../store/users.js';
import { addUser } from './adminActions.js';

export const DEMO_ORGANISATION = 'Example Organisation';
export const DEMO_EMAIL = 'alex@example.com';
export const DEMO_PASSWORD = 'correct horse battery staple';
/** Fixed so the printed secret stays valid across restarts of the demo (base32, 160 bits). */
export const DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

export interface DemoSeed {
  organisation: string;
  orgId: string;
  userId: string;
  email: string;
  password: string;
  totpSecret: string;
  otpauthUri: string;
}

export async function seedDemo(db: PortalDb, now: number = Date.now()): Promise<DemoSeed> {
  const org = await ensureOrganisation(db, DEMO_ORGANISATION, now);
  await setMfaRequired(db, org.id, true);
  await setDeviceTrust(db, org.id, true);
  let user = await findUserInOrg(db, org.id, DEMO_EMAIL);
  if (!user) {
    await addUser(db, now, {
      email: DEMO_EMAIL,
      password: DEMO_PASSWORD,
      mfa: true,
      orgName: org.name,
      totpSecret: DEMO_TOTP_SECRET,
    });
    user = await findUserInOrg(db, org.id, DEMO_EMAIL);
  }
  const secret = (await getTotp(db, user!.id))?.secret ?? DEMO_TOTP_SECRET;
  return {
    organisation: org.name,
    orgId: org.id,
    userId: user!.id,
    email: DEMO_EMAIL,
    password: DEMO_PASSWORD,
    totpSecret: secret,
    otpauthUri: totpUri(secret, DEMO_EMAIL),
  };
}
