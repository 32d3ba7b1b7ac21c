/**
 * Portals that told this browser (through their sign-in page's `status` with the portal's own
 * credential list) that they no longer know this device's credential — an orphan that only a new
 * registration heals (decision 0052). Kept for the popup, which names the way out beside the
 * portal. In memory: a worker restart forgets it, and the portal's page says it again on the
 * next sign-in.
 */
export class OrphanedRegistrations {
  private readonly origins = new Set<string>();

  /** Records what the portal at `origin` said in its latest status (or that a registration healed it). */
  note(origin: string, orphaned: boolean): void {
    if (orphaned) this.origins.add(origin);
    else this.origins.delete(origin);
  }

  has(origin: string): boolean {
    return this.origins.has(origin);
  }
}
