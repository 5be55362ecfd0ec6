import DataLoader from "dataloader";
import { In, type DataSource, type EntityTarget, type FindOptionsWhere } from "typeorm";

/**
 * A DataLoader that answers synchronously for what it already knows (offered, or loaded earlier in
 * the request): a field whose value is known resolves without a promise, which keeps graphql-js on
 * its fast synchronous path for a whole page of objects.
 *
 * A value read elsewhere in the request (a page's joined rows, a transaction's locked rows) is
 * `offer`ed, and passes through `admit`: the module that builds the loader gives the same visibility
 * rule its batch applies, so no caller re-implements it. `admit` answers `undefined` when it cannot
 * judge a value on its own (a workspace-scope key needs memberships to judge a user); the offer is
 * then ignored and the loader fetches.
 */
export class KnownFirstLoader<V> {
  private readonly known = new Map<string, V>();
  private readonly loader: DataLoader<string, V>;

  constructor(
    batch: (keys: readonly string[]) => Promise<V[]>,
    private readonly admit: (value: V) => V | undefined = (value) => value,
  ) {
    this.loader = new DataLoader(batch);
  }

  load(key: string): V | Promise<V> {
    if (this.known.has(key)) return this.known.get(key)!;
    return this.loader.load(key).then((value) => {
      this.known.set(key, value);
      return value;
    });
  }

  /** Loads all `keys` in one batch now, so that later `load`s of them answer at once. */
  async loadAll(keys: string[]): Promise<void> {
    const missing = keys.filter((k) => !this.known.has(k));
    if (missing.length === 0) return;
    const values = await this.loader.loadMany(missing);
    missing.forEach((k, i) => {
      const value = values[i];
      if (value instanceof Error) throw value;
      this.known.set(k, value);
    });
  }

  /** Offers a value read elsewhere in the request; it is known from now on as the rule admits it. */
  offer(key: string, value: V): void {
    const admitted = this.admit(value);
    if (admitted !== undefined) this.known.set(key, admitted);
  }
}

/**
 * Rows of one organization by id: null when missing, of another organization, or not `visible` to the
 * caller; offers are judged by the same rule.
 */
export function organizationRowsById<T extends { id: string; organizationId: string }>(
  db: DataSource,
  entity: EntityTarget<T>,
  organizationId: string,
  visible: (row: T) => boolean,
): KnownFirstLoader<T | null> {
  return new KnownFirstLoader<T | null>(
    async (ids) => {
      const rows = await db.getRepository(entity).findBy({ id: In([...ids]), organizationId } as FindOptionsWhere<T>);
      const byId = new Map(rows.filter(visible).map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    },
    (row) => (row && visible(row) ? row : null),
  );
}
