import { createDataSource } from '../apps/identity-server/src/data-source.js';
import {
  InvalidationService,
  type Invalidation,
} from '../apps/identity-server/src/database/invalidation.service.js';
import { createTestDatabase } from './support/database.js';

/**
 * The writing instance applies its own announcements right after commit, not when its NOTIFY
 * comes back: checked here without any LISTEN connection, so only the after-commit path can
 * deliver them.
 */
describe('invalidations on the writing instance', () => {
  it('are applied after commit, and never for a rolled-back transaction', async () => {
    const db = await createTestDatabase();
    const ds = createDataSource(db.url, 2);
    await ds.initialize();
    try {
      const service = new InvalidationService(ds);
      // onApplicationBootstrap would also LISTEN; only the after-commit hook is installed here.
      ds.subscribers.push((service as unknown as { afterCommit: never }).afterCommit);
      const seen: Invalidation[] = [];
      service.subscribe((event) => seen.push(event));

      await ds.transaction(async (em) => {
        await service.announce(em, { kind: 'policy', id: 'committed' });
        expect(seen).toEqual([]); // not before the commit
      });
      expect(seen).toEqual([{ kind: 'policy', id: 'committed' }]);

      await expect(
        ds.transaction(async (em) => {
          await service.announce(em, { kind: 'policy', id: 'rolled back' });
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      await ds.transaction(async (em) => {
        await em.query('SELECT 1');
      });
      expect(seen).toEqual([{ kind: 'policy', id: 'committed' }]);
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });
});
