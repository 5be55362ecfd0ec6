const WRITE_INTERVAL_MS = 60_000;
const REMEMBERED_MAX = 100_000;

/** `lastUsedAt` is written at most once per credential per minute per process: this says when it is due. */
export class LastUsedThrottle {
  /** When this process last wrote `lastUsedAt` for each credential. */
  private readonly lastWrite = new Map<string, number>();

  /** True (and remembered) when the credential's lastUsedAt should be written now. */
  due(id: string, now: Date): boolean {
    const last = this.lastWrite.get(id);
    if (last !== undefined && now.getTime() - last < WRITE_INTERVAL_MS) return false;
    this.lastWrite.set(id, now.getTime());
    if (this.lastWrite.size > REMEMBERED_MAX) {
      const cutoff = now.getTime() - WRITE_INTERVAL_MS;
      for (const [key, at] of this.lastWrite) if (at < cutoff) this.lastWrite.delete(key);
    }
    return true;
  }
}
