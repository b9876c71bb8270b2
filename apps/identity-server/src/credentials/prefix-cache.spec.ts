import { PrefixCache } from './prefix-cache.js';

describe('the cache of the rows a credential prefix names', () => {
  /** A loader that counts how often the cache had to read. */
  const loader = (rows: { id: string }[]) => {
    const load = async () => {
      load.calls += 1;
      return rows;
    };
    load.calls = 0;
    return load;
  };

  it('keeps the rows of a known prefix and reads them once within its lifetime', async () => {
    const cache = new PrefixCache<{ id: string }>(60_000);
    const load = loader([{ id: 'a' }]);
    expect(await cache.rows('p1', load)).toEqual([{ id: 'a' }]);
    expect(await cache.rows('p1', load)).toEqual([{ id: 'a' }]);
    expect(load.calls).toBe(1);
  });

  it('never keeps an unknown prefix, so guessed prefixes cannot fill it', async () => {
    const cache = new PrefixCache<{ id: string }>(60_000);
    const load = loader([]);
    await cache.rows('nope', load);
    await cache.rows('nope', load);
    expect(load.calls).toBe(2);
  });

  it('reads again after a revocation names one of the rows, or after its lifetime', async () => {
    const cache = new PrefixCache<{ id: string }>(0);
    const load = loader([{ id: 'a' }]);
    await cache.rows('p1', load);
    await cache.rows('p1', load);
    expect(load.calls).toBe(2);

    const kept = new PrefixCache<{ id: string }>(60_000);
    const other = loader([{ id: 'b' }]);
    await kept.rows('p1', load);
    await kept.rows('p2', other);
    kept.forget((row) => row.id === 'a');
    await kept.rows('p1', load);
    await kept.rows('p2', other);
    expect(load.calls).toBe(4);
    expect(other.calls).toBe(1);
  });

  it('stays bounded', async () => {
    const cache = new PrefixCache<{ id: string }>(60_000, 2);
    const load = loader([{ id: 'a' }]);
    for (const prefix of ['p1', 'p2', 'p3', 'p1']) await cache.rows(prefix, load);
    // p3 cleared the full cache, so p1 was read again
    expect(load.calls).toBe(4);
  });
});
