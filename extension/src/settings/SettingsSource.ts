/**
 * Reads the effective settings for the worker: local settings (storage.local) under managed
 * ones (storage.managed, IT policy). Managed storage can take seconds to answer right after the
 * browser starts (TOOLCHAIN.md), so start-up never waits for it: the last managed values seen are
 * cached in storage.local and used until the fresh read arrives.
 *
 * The effective settings are kept in memory: every runtime message needs them (the sender check),
 * and reading storage.local per message cost 1–2 ms of each page API round trip
 * (docs/performance.md, "Browser"). The worker drops the copy on `storage.onChanged` (local
 * settings: invalidateLocal; policy: invalidateManaged). A woken worker starts with no copy and
 * loads it on first use.
 */
import {
  combineSettings,
  type EffectiveSettings,
  type ManagedSettings,
  parseLocalSettings,
  parseManagedSettings,
} from './settingsSchema.js';

export interface StorageAreaLike {
  get(keys?: string | string[] | null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

export const LOCAL_SETTINGS_KEY = 'settings';
export const MANAGED_CACHE_KEY = 'managedCache';

export class SettingsSource {
  private managed: ManagedSettings | undefined;
  private managedRead: Promise<ManagedSettings> | undefined;
  /** The effective settings, loaded on first use and dropped when a storage area changes. */
  private effective: Promise<EffectiveSettings> | undefined;

  constructor(
    private readonly deps: {
      local: StorageAreaLike;
      /** Absent where the browser has no managed storage (COMPAT(safari-no-managed-storage)). */
      managed?: Pick<StorageAreaLike, 'get'>;
    },
  ) {}

  /** The settings now: never waits for managed storage (uses the cached policy meanwhile). */
  current(): Promise<EffectiveSettings> {
    void this.refreshManaged();
    if (!this.effective) {
      const loading = this.load();
      this.effective = loading;
      // A failed read is not kept: the next message reads again.
      loading.catch(() => {
        if (this.effective === loading) this.effective = undefined;
      });
    }
    return this.effective;
  }

  /** The settings after the managed read has finished, waiting at most `maxWaitMs` for it. */
  async fresh(maxWaitMs = 6_000): Promise<EffectiveSettings> {
    // The slow path (a sender was refused): do not trust the copy in memory either.
    this.effective = undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.refreshManaged(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, maxWaitMs);
      }),
    ]);
    clearTimeout(timer);
    return this.current();
  }

  /** Call on `storage.onChanged` for the managed area: the policy changed, read it again. */
  invalidateManaged(): void {
    this.managed = undefined;
    this.managedRead = undefined;
    this.effective = undefined;
    void this.refreshManaged();
  }

  /** Call on `storage.onChanged` for the local area's settings: read them again on next use. */
  invalidateLocal(): void {
    this.effective = undefined;
  }

  private async load(): Promise<EffectiveSettings> {
    const stored = await this.deps.local.get([LOCAL_SETTINGS_KEY, MANAGED_CACHE_KEY]);
    const managed = this.managed ?? parseManagedSettings(stored[MANAGED_CACHE_KEY]);
    return combineSettings(parseLocalSettings(stored[LOCAL_SETTINGS_KEY]), managed);
  }

  private refreshManaged(): Promise<ManagedSettings> {
    this.managedRead ??= this.readManaged();
    return this.managedRead;
  }

  private async readManaged(): Promise<ManagedSettings> {
    let managed: ManagedSettings = {};
    try {
      managed = parseManagedSettings(this.deps.managed ? await this.deps.managed.get(null) : {});
    } catch {
      // No policy schema or no managed storage in this browser: nothing is managed.
    }
    this.managed = managed;
    // The copy in memory may have been built from the cached policy: rebuild it with this one.
    this.effective = undefined;
    await this.deps.local.set({ [MANAGED_CACHE_KEY]: managed });
    return managed;
  }
}
