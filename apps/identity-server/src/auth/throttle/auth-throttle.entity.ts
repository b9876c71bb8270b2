import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Failed sign-ins counted per key (`account:<email>` or `ip:<address>`) in a sliding window. */
@Entity({ name: 'auth_throttle' })
export class AuthThrottleEntity {
  @PrimaryColumn({ type: 'varchar', length: 300 })
  key!: string;

  @Column({ type: 'integer' })
  failures!: number;

  @Column({ name: 'window_start', type: 'timestamptz' })
  windowStart!: Date;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;
}
