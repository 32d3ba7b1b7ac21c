/**
 * The unit tests StrykerJS runs against each mutant (stryker.config.json, decision 0101): the
 * tests of the mutated files only, so a mutant costs milliseconds and the whole run stays small.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'shared/device/deviceStatement.test.ts',
      'shared/webauthn/resolveRpId.test.ts',
      'daemon/src/server/authorizeUpgrade.test.ts',
      'portal/src/trust/*.test.ts',
    ],
    maxWorkers: 1,
  },
});
