/**
 * The schema names used by the golden protocol fixtures (test/fixtures/protocol/), each mapped to
 * the one zod schema in shared/protocol it names. A name is the schema's export name, or
 * `group.key` for schemas kept in a record (`resultSchemas.register`, `pageResults.status`).
 * The daemon, extension and portal tests import this table to parse the same files.
 */
import type { z } from 'zod';
import {
  accountsDeleteRequest,
  accountsListRequest,
  accountsShowRequest,
  authenticationResponseJSON,
  authRequest,
  cancelRequest,
  clientMessage,
  creationOptionsJSON,
  daemonMessage,
  helloRequest,
  pageReady,
  pageRequest,
  pageResponse,
  pageResults,
  pairRequest,
  pingRequest,
  protectDoneEvent,
  protectRequestEvent,
  registerRequest,
  registrationResponseJSON,
  requestOptionsJSON,
  resultErr,
  resultOk,
  resultSchemas,
  sessionForgetRequest,
  sessionRefreshRequest,
  sessionRegisterRequest,
  settingsGetRequest,
  settingsSetRequest,
  signInRequest,
  statusRequest,
} from '../../shared/protocol/index.js';

const prefixed = (prefix: string, record: Record<string, z.ZodType>) =>
  Object.fromEntries(Object.entries(record).map(([key, schema]) => [`${prefix}.${key}`, schema]));

export const fixtureSchemas: Record<string, z.ZodType> = {
  // worker → daemon
  clientMessage,
  helloRequest,
  pairRequest,
  authRequest,
  pingRequest,
  statusRequest,
  registerRequest,
  signInRequest,
  accountsListRequest,
  accountsShowRequest,
  accountsDeleteRequest,
  settingsGetRequest,
  settingsSetRequest,
  cancelRequest,
  sessionRegisterRequest,
  sessionRefreshRequest,
  sessionForgetRequest,
  // daemon → worker
  daemonMessage,
  resultOk,
  resultErr,
  protectRequestEvent,
  protectDoneEvent,
  ...prefixed('resultSchemas', resultSchemas),
  // page ⇄ content script
  pageRequest,
  pageResponse,
  pageReady,
  ...prefixed('pageResults', pageResults),
  // WebAuthn JSON
  creationOptionsJSON,
  requestOptionsJSON,
  registrationResponseJSON,
  authenticationResponseJSON,
};

export type FixtureSchemaName = keyof typeof fixtureSchemas;
