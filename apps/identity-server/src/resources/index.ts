// A placeholder until the resource catalog lands: no entries, no search results.
import { Injectable, Module } from '@nestjs/common';
@Injectable()
export class CatalogService {
  async attributes(
    _t: string,
    _refs: { type: string; id: string }[],
  ): Promise<Map<string, Record<string, unknown>>> {
    return new Map();
  }
  async search(
    _t: string,
    _type: string,
    _q: unknown,
    _after: string | null,
    _limit: number,
  ): Promise<{
    items: { type: string; id: string; attributes: Record<string, unknown> }[];
    next: string | null;
  }> {
    return { items: [], next: null };
  }
}
@Module({ providers: [CatalogService], exports: [CatalogService] })
export class ResourcesModule {}
