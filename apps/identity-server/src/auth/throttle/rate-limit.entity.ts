import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Requests counted per key (`<limit>:<subject>`, e.g. `signup:203.0.113.7`) in a fixed window
 * that ends at `window_end`; the row is reset by the first request after it.
 */
@Entity({ name: 'rate_limits' })
export class RateLimitEntity {
  @PrimaryColumn({ type: 'varchar', length: 300 })
  key!: string;

  @Column({ type: 'integer' })
  hits!: number;

  @Column({ name: 'window_end', type: 'timestamptz' })
  windowEnd!: Date;
}
